using System.Net;
using System.Text.Json;
using Stackl.Testing;

namespace Stackl.Silo.Tests;

public sealed class SiloEndpointTests
{
    [Fact]
    public async Task Health_EmbeddedSilo_IsReadyAliveAndCreatesTheSqliteFile()
    {
        await using var silo = WebSilo.Start();

        using var response = await silo.Http.GetAsync(new Uri("/health", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        using var live = await silo.Http.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Available", body.RootElement.GetProperty("storage").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.True(File.Exists(silo.DatabasePath), $"Expected the SQLite file at {silo.DatabasePath}.");
    }

    [Fact]
    public async Task Metrics_AreInPrometheusTextFormat()
    {
        await using var silo = WebSilo.Start();

        using var response = await silo.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE stackl_activations gauge", text, StringComparison.Ordinal);
        Assert.Contains("stackl_silo_up{silo=", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrleansDashboard_IsServedUnderOrleans()
    {
        await using var silo = WebSilo.Start();

        using var response = await silo.Http.GetAsync(new Uri("/orleans/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Orleans Dashboard", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownStorageProvider_FailsAtStartNamingTheOption()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WebSilo.Start(realHttp: false, ("Stackl:Storage:Provider", "mongo")));

        Assert.Contains("Stackl:Storage:Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("sqlite or postgres", error.Message, StringComparison.Ordinal);
    }
}
