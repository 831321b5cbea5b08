using System.Net;
using System.Security.Cryptography.X509Certificates;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Transport;

/// <summary>The built silo serving HTTPS from the certificate named by <c>Stackl:Tls</c>, as a user starts it.</summary>
public sealed class HttpsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("stackl-https-");

    [Fact]
    public async Task Https_FromAPemCertificate_AnswersOverTlsAndRefusesPlainHttp()
    {
        using var certificate = TestCertificates.Create();
        var certificatePath = Path.Combine(_folder.FullName, "silo.crt");
        var keyPath = Path.Combine(_folder.FullName, "silo.key");
        TestCertificates.WritePem(certificate, certificatePath, keyPath);
        var port = FreePort.Next();
        await using var silo = StartSilo(
            "--urls", $"https://127.0.0.1:{port}",
            "--Stackl:Tls:CertificatePath", certificatePath,
            "--Stackl:Tls:KeyPath", keyPath);

        // The client trusts exactly this certificate, by its thumbprint.
        X509Certificate2? served = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, remote, _, _) =>
            {
                served = remote is null ? null : X509CertificateLoader.LoadCertificate(remote.RawData);
                return remote?.Thumbprint == certificate.Thumbprint;
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        await silo.WaitUntilAsync($"the silo answers /health/ready over https on port {port}", async () =>
        {
            try
            {
                using var response = await https.GetAsync(new Uri("health/ready", UriKind.Relative));
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90));
        Assert.Equal(certificate.Thumbprint, served?.Thumbprint);

        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        HttpResponseMessage? answer = null;
        try
        {
            answer = await plain.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
        }
        catch (HttpRequestException)
        {
            // The TLS listener hangs up on a request in plain text.
        }

        using (answer)
        {
            Assert.False(answer?.IsSuccessStatusCode ?? false, $"Plain HTTP to the HTTPS port was answered {answer?.StatusCode}.");
        }
    }

    [Fact]
    public async Task Https_CertificateFileMissing_StopsNamingTheSettingAndPathNotThePassword()
    {
        var missing = Path.Combine(_folder.FullName, "absent.pfx");
        var (exitCode, output) = await RunSiloAsync(
            "--urls", $"https://127.0.0.1:{FreePort.Next()}",
            "--Stackl:Tls:CertificatePath", missing,
            "--Stackl:Tls:CertificatePassword", "hunter2-never-printed");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Stackl:Tls:CertificatePath", output, StringComparison.Ordinal);
        Assert.Contains(missing, output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-never-printed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Https_PfxWithAWrongPassword_StopsNamingTheSettingAndPathNotThePassword()
    {
        using var certificate = TestCertificates.Create();
        var pfx = Path.Combine(_folder.FullName, "silo.pfx");
        TestCertificates.WritePfx(certificate, pfx, "the-right-password");
        var (exitCode, output) = await RunSiloAsync(
            "--urls", $"https://127.0.0.1:{FreePort.Next()}",
            "--Stackl:Tls:CertificatePath", pfx,
            "--Stackl:Tls:CertificatePassword", "hunter2-never-printed");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Stackl:Tls:CertificatePath", output, StringComparison.Ordinal);
        Assert.Contains(pfx, output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-never-printed", output, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private SiloHostProcess StartSilo(params string[] arguments) =>
        SiloHostProcess.Start(_folder.FullName, ["--sqlite-path", Path.Combine(_folder.FullName, "stackl.db"), "--silo-port", "0", "--gateway-port", "0", .. arguments]);

    private Task<(int ExitCode, string Output)> RunSiloAsync(params string[] arguments) => ExternalCommand.RunAsync(
        Repository.DotnetHost,
        [Repository.SiloDll, "--sqlite-path", Path.Combine(_folder.FullName, "stackl.db"), "--silo-port", "0", "--gateway-port", "0", .. arguments],
        _folder.FullName,
        TimeSpan.FromSeconds(60));
}
