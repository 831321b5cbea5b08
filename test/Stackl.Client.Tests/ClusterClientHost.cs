using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stackl.Client.Orleans;

namespace Stackl.Client.Tests;

/// <summary>A host running an Orleans cluster client of a Stackl cluster (as a user's service runs it), and its <see cref="IStacklClient"/>.</summary>
public sealed class ClusterClientHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterClientHost(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IStacklClient>();
    }

    /// <summary>The host's services (the Orleans client, its serializer).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The SDK over the cluster client.</summary>
    public IStacklClient Client { get; }

    /// <summary>Builds the host with <c>AddStacklClusterClient</c> and starts it (the Orleans client connects to a gateway).</summary>
    internal static async Task<ClusterClientHost> StartAsync(Action<StacklClusterClientOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.AddStacklClusterClient(configure);
        var host = builder.Build();
        try
        {
            using var startLimit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(startLimit.Token);
            return new ClusterClientHost(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stopLimit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(stopLimit.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
