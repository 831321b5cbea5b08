using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Silo.Tests;

/// <summary>The stock host in PostgreSQL mode: a second silo started on the same database and cluster id joins the first one's cluster.</summary>
public sealed class PostgresClusterModeTests
{
    [Fact]
    public async Task SecondSilo_OnTheSameDatabase_JoinsTheCluster()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("cluster");
        await using var first = Silo(connectionString, "first");
        await using var second = Silo(connectionString, "second");
        using var firstHttp = first.CreateClient();
        using var secondHttp = second.CreateClient();

        var cluster = await Eventually.ValueAsync(
            "both silos list each other as Active in /api/cluster",
            async () => JsonSerializer.Deserialize(await firstHttp.GetStringAsync(new Uri("/api/cluster", UriKind.Relative)), ContractsJsonContext.Default.ClusterView)!,
            view => view.Silos.Count(s => s.Status == "Active") == 2 && view.Silos.Any(s => s.Name == "second"),
            TimeSpan.FromSeconds(30));
        Assert.Equal("first", cluster.Self);

        using var put = await secondHttp.PutAsync(new Uri("/api/documents/cluster/a?wait=10s", UriKind.Relative), new StringContent("""{"n": 1}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, put.StatusCode);
        var read = await firstHttp.GetStringAsync(new Uri("/api/documents/cluster/a", UriKind.Relative));
        Assert.Contains("\"version\":1", read, StringComparison.Ordinal);
    }

    private static WebApplicationFactory<Program> Silo(string connectionString, string name) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("Stackl:Storage:Provider", "postgres")
            .UseSetting("Stackl:Storage:ConnectionString", connectionString)
            .UseSetting("Stackl:Cluster:ClusterId", "silo-tests")
            .UseSetting("Stackl:Cluster:SiloPort", "0")
            .UseSetting("Stackl:Cluster:GatewayPort", "0")
            .UseSetting("Stackl:Silo:SiloName", name));
}
