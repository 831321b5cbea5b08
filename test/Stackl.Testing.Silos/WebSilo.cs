using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stackl.Testing.Databases;

namespace Stackl.Testing;

/// <summary>The stock silo host (its <c>Program</c>) in the test process on a fresh SQLite file, with free Orleans ports and short recovery.</summary>
/// <remarks>
/// In memory by default (the test server's <see cref="Http"/> client); with <c>realHttp</c> it listens on Kestrel at a free 127.0.0.1
/// port, so a browser, the SDK or the CLI reach it as they reach a deployed silo.
/// </remarks>
public sealed class WebSilo : IAsyncDisposable
{
    private readonly SqliteDatabase _database = new();
    private readonly WebApplicationFactory<Program> _factory;

    private WebSilo(bool realHttp, Action<IServiceCollection>? services, (string Key, string Value)[] settings)
    {
        try
        {
            (_factory, Http, BaseAddress) = Create(realHttp, services, settings);
        }
        catch
        {
            _database.Dispose();
            throw;
        }
    }

    private (WebApplicationFactory<Program> Factory, HttpClient Http, Uri BaseAddress) Create(bool realHttp, Action<IServiceCollection>? services, (string Key, string Value)[] settings)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Stackl:Storage:SqlitePath", _database.Path);
            web.UseSetting("Stackl:Cluster:SiloPort", "0");
            web.UseSetting("Stackl:Cluster:GatewayPort", "0");
            web.UseSetting("Stackl:Tasks:RecoveryInterval", "00:00:00.200");
            if (IsClustered(settings))
            {
                web.UseSetting(TestKeys.BootstrapSetting.Key, TestKeys.BootstrapSetting.Value);
            }

            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureLogging(logging => logging.AddProvider(Log));
            if (services is not null)
            {
                web.ConfigureServices(services);
            }
        });
        try
        {
            HttpClient http;
            Uri address;
            if (!realHttp)
            {
                http = factory.CreateClient();
                address = http.BaseAddress!;
            }
            else
            {
                factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
                factory.StartServer();
                address = new Uri(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
                http = new HttpClient { BaseAddress = address };
            }

            // Cluster mode requires credentials: the silo starts with the test run's admin key, and the client sends it.
            if (IsClustered(settings))
            {
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestKeys.Admin);
            }

            return (factory, http, address);
        }
        catch
        {
            factory.Dispose();
            throw;
        }
    }

    private static bool IsClustered((string Key, string Value)[] settings) =>
        settings.Any(s => s.Key == "Stackl:Storage:Provider" && s.Value.Equals("postgres", StringComparison.OrdinalIgnoreCase));

    /// <summary>A client of the silo's HTTP API (with the admin key of <see cref="TestKeys"/> in cluster mode).</summary>
    public HttpClient Http { get; }

    /// <summary>The silo's address, e.g. <c>http://127.0.0.1:41234/</c> (a placeholder address when not on real HTTP).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Sends a request with <paramref name="bearer"/> as its credentials (null: none, whatever <see cref="Http"/> carries by default).</summary>
    /// <param name="bearer">The API key or token.</param>
    /// <param name="method">The method.</param>
    /// <param name="path">The path and query.</param>
    /// <param name="json">A JSON body, or null.</param>
    public async Task<HttpResponseMessage> SendAsync(string? bearer, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = bearer is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>Every line the silo logged (Information and above).</summary>
    public MemoryLoggerProvider Log { get; } = new();

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>The SQLite file the silo stores in.</summary>
    public string DatabasePath => _database.Path;

    /// <summary>Starts a silo; <paramref name="settings"/> override the defaults (e.g. <c>("Stackl:Api:MaxWait", "00:00:02")</c>).</summary>
    /// <param name="realHttp">True to listen on Kestrel at a free 127.0.0.1 port.</param>
    /// <param name="settings">Configuration keys and values.</param>
    public static WebSilo Start(bool realHttp = false, params (string Key, string Value)[] settings) => Start(realHttp, services: null, settings);

    /// <summary>Starts a silo with extra services (e.g. a test's own task handlers); <paramref name="settings"/> override the defaults.</summary>
    /// <param name="realHttp">True to listen on Kestrel at a free 127.0.0.1 port.</param>
    /// <param name="services">Adds services to the silo's container, or null.</param>
    /// <param name="settings">Configuration keys and values.</param>
    public static WebSilo Start(bool realHttp, Action<IServiceCollection>? services, params (string Key, string Value)[] settings)
    {
        // The host picks free ports itself; one can be taken between picking and binding it: start again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new WebSilo(realHttp, services, settings);
            }
            catch (Exception exception) when (attempt < 5 && FreePort.IsAddressInUse(exception))
            {
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync().ConfigureAwait(false);
        _database.Dispose();

        // Secrets never reach a log: the test that leaked one fails here.
        if (TestSecrets.FindIn(Log.Lines) is { } leak)
        {
            throw new InvalidOperationException($"A secret appeared in the silo's log: {leak}");
        }
    }
}
