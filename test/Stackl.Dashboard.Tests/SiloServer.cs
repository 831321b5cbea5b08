using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Stackl.Testing;

namespace Stackl.Dashboard.Tests;

/// <summary>A <see cref="WebSilo"/> on real HTTP, so a browser can reach it, with helpers to make tasks and documents for pages to show.</summary>
public sealed class SiloServer : IAsyncDisposable
{
    private readonly WebSilo _silo;

    private SiloServer(params (string Key, string Value)[] settings)
    {
        _silo = WebSilo.Start(realHttp: true, settings);
    }

    /// <summary>The silo's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address => _silo.BaseAddress;

    /// <summary>A client of the silo's HTTP API at <see cref="Address"/>.</summary>
    public HttpClient Api => _silo.Http;

    public static SiloServer Start() => new();

    /// <summary>Starts a silo that requires credentials, with the test run's admin key (<see cref="TestKeys.Admin"/>) as its first key.</summary>
    public static SiloServer StartSecured() => new(("Stackl:Auth:Mode", "Required"), TestKeys.BootstrapSetting);

    /// <summary>Starts a silo of the PostgreSQL cluster on <paramref name="connectionString"/>: silos started on one database form one cluster.</summary>
    public static SiloServer StartInCluster(string connectionString, string name) => new(
        ("Stackl:Storage:Provider", "postgres"),
        ("Stackl:Storage:ConnectionString", connectionString),
        ("Stackl:Cluster:ClusterId", "dashboard-tests"),
        // The dashboard has no sign-in yet, so its cluster tests run the API open (cluster mode would require credentials).
        ("Stackl:Auth:Mode", "Open"),
        ("Stackl:Silo:SiloName", name));

    /// <summary>The address of a dashboard page, e.g. <c>#/tasks</c>.</summary>
    public string Dashboard(string hash = "") => new Uri(Address, "/dashboard" + hash).ToString();

    /// <summary>Submits a task through the API and waits up to 10 s for it to finish; returns its id.</summary>
    public async Task<string> RunTaskAsync(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await Api.PostAsync(new Uri("/api/tasks?wait=10s", UriKind.Relative), content);
        return await IdAsync(response);
    }

    /// <summary>Writes a document version through the API (a document/put task) and waits for it; returns the task id.</summary>
    public async Task<string> PutDocumentAsync(string key, object value)
    {
        using var response = await Api.PutAsJsonAsync(new Uri($"/api/documents/{key}?wait=10s", UriKind.Relative), value);
        return await IdAsync(response);
    }

    public ValueTask DisposeAsync() => _silo.DisposeAsync();

    private static async Task<string> IdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200 with a finished task, got {(int)response.StatusCode}: {body}");
        using var task = JsonDocument.Parse(body);
        return task.RootElement.GetProperty("id").GetString()!;
    }
}
