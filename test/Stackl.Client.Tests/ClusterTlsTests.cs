using System.Security.Cryptography.X509Certificates;
using Stackl.Client.Orleans;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;
using Xunit.Abstractions;

namespace Stackl.Client.Tests;

/// <summary>
/// Two built silos in PostgreSQL mode with TLS on their silo and gateway ports (<c>Stackl:Cluster:Tls</c>, a self-signed
/// certificate this test makes): they form a cluster over TLS, a cluster client with the certificate submits through them, and a
/// client without TLS, or with TLS but no certificate of its own, does not get in.
/// </summary>
public sealed class ClusterTlsTests(ITestOutputHelper output) : IDisposable
{
    private const string Password = "cluster-pfx-password";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("stackl-cluster-tls-");

    [Fact]
    public async Task Silos_WithMutualTls_FormAClusterThatOnlyAClientWithTheCertificateReaches()
    {
        using (var made = TestCertificates.Create("stackl-cluster"))
        {
            TestCertificates.WritePfx(made, Pfx, Password);
        }

        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("clustertls");
        var clusterId = $"t{Guid.NewGuid():N}";
        string[] tls = ["--Stackl:Cluster:Tls:CertificatePath", Pfx, "--Stackl:Cluster:Tls:CertificatePassword", Password];
        await using var first = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "tls-a", "tls-a start", tls);
        await using var second = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "tls-b", "tls-b start", tls);

        // Both Active means their probes (silo-to-silo messages) crossed the TLS connections both ways.
        using (var http = first.Client())
        {
            await Eventually.ValueAsync(
                "the two TLS silos are Active in /api/cluster",
                () => http.GetClusterAsync(),
                cluster => cluster.Silos.Count(s => s.Status == "Active") == 2,
                TimeSpan.FromSeconds(60));
        }

        Assert.DoesNotContain(Password, first.Tail + second.Tail, StringComparison.Ordinal);

        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(Pfx, Password);
        await using (var host = await ClusterClientHost.StartAsync(o =>
        {
            o.ClusterId = clusterId;
            o.ConnectionString = connectionString;
            o.Tls = new StacklClusterTlsOptions { ClientCertificate = certificate };
            o.ApiKey = TestKeys.Admin;
        }))
        {
            var task = await host.Client.SubmitAsync(TestJson.Echo("""{"over":"tls"}"""), wait: TimeSpan.FromSeconds(20));
            Assert.Equal(TaskStatus.Completed, task.Status);
            Assert.Equal(2, (await host.Client.GetClusterAsync()).Silos.Count(s => s.Status == "Active"));
        }

        var plain = await ConnectFailureAsync(clusterId, connectionString, tls: null);
        output.WriteLine($"without TLS: {plain.GetType().Name}: {plain.Message}");
        var anonymous = await ConnectFailureAsync(clusterId, connectionString, new StacklClusterTlsOptions { ServerThumbprints = { certificate.Thumbprint } });
        output.WriteLine($"with TLS but no client certificate: {anonymous.GetType().Name}: {anonymous.Message}");
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private string Pfx => Path.Combine(_folder.FullName, "cluster.pfx");

    /// <summary>Starts a cluster client (ReconnectTimeout 5 s) and makes one call; returns how that failed, which it must within its timeouts.</summary>
    private static async Task<StacklConnectionException> ConnectFailureAsync(string clusterId, string connectionString, StacklClusterTlsOptions? tls)
    {
        var started = TimeProvider.System.GetTimestamp();
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var host = await ClusterClientHost.StartAsync(o =>
            {
                o.ClusterId = clusterId;
                o.ConnectionString = connectionString;
                o.Tls = tls;
                o.ApiKey = TestKeys.Admin;
                o.ReconnectTimeout = TimeSpan.FromSeconds(5);
            });
            await host.Client.GetClusterAsync();
        });
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var refused = Assert.IsType<StacklConnectionException>(failure);
        Assert.True(elapsed < TimeSpan.FromSeconds(20), $"The refused client took {elapsed.TotalSeconds:0.0} s to fail (ReconnectTimeout 5 s): {refused.Message}");
        return refused;
    }
}
