using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Testing.Databases;

namespace Stackl.Dashboard.Tests;

/// <summary>
/// The real silo host (its <c>Program</c>) on Kestrel at a free 127.0.0.1 port, on a fresh SQLite file, so a browser can reach it.
/// </summary>
public sealed class SiloServer : IAsyncDisposable
{
    private readonly SqliteDatabase _database = new();
    private readonly WebApplicationFactory<Program> _factory;

    private SiloServer()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.UseSetting("Stackl:Storage:SqlitePath", _database.Path).UseSetting("Stackl:Cluster:SiloPort", "0").UseSetting("Stackl:Cluster:GatewayPort", "0"));
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>The silo's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>A client of the silo's HTTP API at <see cref="Address"/>.</summary>
    public HttpClient Api { get; private set; } = null!;

    public static SiloServer Start()
    {
        var server = new SiloServer();
        server._factory.StartServer();
        var addresses = server._factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        server.Address = new Uri(addresses.Single());
        server.Api = new HttpClient { BaseAddress = server.Address };
        return server;
    }

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

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        await _factory.DisposeAsync();
        _database.Dispose();
    }

    private static async Task<string> IdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200 with a finished task, got {(int)response.StatusCode}: {body}");
        using var task = JsonDocument.Parse(body);
        return task.RootElement.GetProperty("id").GetString()!;
    }
}
