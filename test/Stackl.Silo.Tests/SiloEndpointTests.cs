using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Silo.Tests;

public sealed class SiloEndpointTests : IDisposable
{
    private readonly SqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private WebApplicationFactory<Program> Factory(params string[] extraArguments) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Stackl:Storage:SqlitePath", _database.Path);
            web.UseSetting("Stackl:Cluster:SiloPort", "0");
            web.UseSetting("Stackl:Cluster:GatewayPort", "0");
            foreach (var pair in extraArguments.Chunk(2))
            {
                web.UseSetting(pair[0], pair[1]);
            }
        });

    [Fact]
    public async Task Health_EmbeddedSilo_IsHealthyAndCreatesTheSqliteFile()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.True(File.Exists(_database.Path), $"Expected the SQLite file at {_database.Path}.");
    }

    [Fact]
    public async Task Metrics_AreInPrometheusTextFormat()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE stackl_activations gauge", text, StringComparison.Ordinal);
        Assert.Contains("stackl_silo_up{silo=", text, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownStorageProvider_FailsAtStartNamingTheOption()
    {
        using var factory = Factory("Stackl:Storage:Provider", "mongo");

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());

        Assert.Contains("Stackl:Storage:Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("sqlite or postgres", error.Message, StringComparison.Ordinal);
    }
}
