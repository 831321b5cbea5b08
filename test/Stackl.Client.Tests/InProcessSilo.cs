using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Stackl.Testing;

namespace Stackl.Client.Tests;

/// <summary>One <see cref="WebSilo"/> on real HTTP (Kestrel at a free 127.0.0.1 port), so the SDK and the CLI reach it exactly as they reach a deployed silo.</summary>
public sealed class InProcessSilo : IAsyncLifetime
{
    private readonly SemaphoreSlim _clusterClientStart = new(1, 1);
    private WebSilo? _silo;
    private ClusterClientHost? _clusterClient;

    /// <summary>The silo's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress => _silo?.BaseAddress ?? throw new InvalidOperationException("The silo is not started.");

    /// <summary>A client of the silo; dispose it.</summary>
    /// <param name="options">Settings; the base address is set to the silo's.</param>
    public StacklClient CreateClient(StacklClientOptions? options = null)
    {
        options ??= new StacklClientOptions();
        options.BaseAddress = BaseAddress;
        return new StacklClient(options);
    }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _silo?.Services ?? throw new InvalidOperationException("The silo is not started.");

    /// <summary>The silo's Orleans gateway, e.g. <c>127.0.0.1:41235</c>.</summary>
    public IPEndPoint Gateway =>
        new(IPAddress.Loopback, Services.GetRequiredService<IOptions<EndpointOptions>>().Value.GatewayPort);

    /// <summary>The shared cluster client of the silo (through its gateway), started on first use and stopped with the silo.</summary>
    public async Task<ClusterClientHost> ClusterClientAsync()
    {
        await _clusterClientStart.WaitAsync();
        try
        {
            _clusterClient ??= await ClusterClientHost.StartAsync(o => o.Gateways.Add(Gateway));
            return _clusterClient;
        }
        finally
        {
            _clusterClientStart.Release();
        }
    }

    public Task InitializeAsync()
    {
        _silo = WebSilo.Start(realHttp: true);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_clusterClient is not null)
        {
            await _clusterClient.DisposeAsync();
        }

        _clusterClientStart.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

/// <summary>The tests that share one in-process silo run one after another: one silo host per process at a time.</summary>
[CollectionDefinition(Name)]
public sealed class InProcessSiloCollection : ICollectionFixture<InProcessSilo>
{
    public const string Name = "in-process silo";
}
