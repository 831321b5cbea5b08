using System.Net;
using System.Text.Json;
using Npgsql;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Silo.Tests;

/// <summary>A silo whose PostgreSQL goes away answers 503 with Retry-After and an honest readiness probe, and recovers when it returns.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task PostgresOutage_Answers503AndNotReady_ThenRecovers()
    {
        var direct = new NpgsqlConnectionStringBuilder(await PostgresServer.Shared.CreateDatabaseAsync("outage"));
        await using var proxy = TcpProxy.Start(direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 2, CommandTimeout = 5 };
        await using var silo = WebSilo.Start(realHttp: false, ("Stackl:Storage:Provider", "postgres"), ("Stackl:Storage:ConnectionString", proxied.ConnectionString));
        var http = silo.Http;

        using (var before = await PutAsync(http, "outage/a"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        proxy.Cut();

        using (var live = await http.GetAsync(new Uri("/health/live", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using (var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            var body = await ready.Content.ReadAsStringAsync();
            Assert.True(ready.StatusCode == HttpStatusCode.ServiceUnavailable, $"/health/ready during the outage: {(int)ready.StatusCode} {body}");
            Assert.Equal("Unavailable", JsonDocument.Parse(body).RootElement.GetProperty("storage").GetString());
        }

        foreach (var (what, request) in new (string, Func<Task<HttpResponseMessage>>)[]
        {
            ("a document write", () => PutAsync(http, "outage/b")),
            ("a task listing", () => http.GetAsync(new Uri("/api/tasks", UriKind.Relative))),
            ("a document read", () => http.GetAsync(new Uri("/api/documents/outage/c", UriKind.Relative))),
        })
        {
            using var response = await request();
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what} during the outage: expected 503, got {(int)response.StatusCode} {body}");
            Assert.True(response.Headers.RetryAfter is not null, $"{what} during the outage: 503 without Retry-After");
            Assert.Equal("storage_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
        }

        proxy.Restore();

        await Eventually.ValueAsync(
            "/health/ready answers 200 after the database came back",
            async () =>
            {
                using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                return ready.StatusCode;
            },
            status => status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30));
        using var after = await PutAsync(http, "outage/d");
        Assert.True(after.StatusCode == HttpStatusCode.OK, $"a write after the outage: {(int)after.StatusCode} {await after.Content.ReadAsStringAsync()}");
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient http, string key) =>
        http.PutAsync(new Uri($"/api/documents/{key}?wait=10s", UriKind.Relative), new StringContent("""{"v": 1}""", System.Text.Encoding.UTF8, "application/json"));
}
