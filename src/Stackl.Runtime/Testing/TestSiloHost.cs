using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stackl.Runtime.Hosting;

namespace Stackl.Runtime.Testing;

/// <summary>Runs one silo in the test process on a real store: start, stop gracefully, kill, and restart on the same database.</summary>
/// <remarks>
/// A restart builds a fresh host from the same configuration callbacks, so stores registered by <c>UseSqliteStorage</c> or
/// <c>UsePostgresStorage</c> reconnect to the same database, as a silo process restarted after a crash would.
/// </remarks>
public sealed class TestSiloHost : IAsyncDisposable
{
    private readonly Action<SiloBuilder> _configureSilo;
    private readonly Action<IServiceCollection>? _configureServices;
    private IHost? _host;

    private TestSiloHost(Action<SiloBuilder> configureSilo, Action<IServiceCollection>? configureServices)
    {
        _configureSilo = configureSilo;
        _configureServices = configureServices;
    }

    /// <summary>The running silo.</summary>
    public Silo Silo => Services.GetRequiredService<Silo>();

    /// <summary>Grain references served by the running silo.</summary>
    public IGrainFactory GrainFactory => Silo.GrainFactory;

    /// <summary>The running silo's services.</summary>
    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("The test silo is not running; call RestartAsync.");

    /// <summary>How many times the silo was started.</summary>
    public int Generation { get; private set; }

    /// <summary>Builds and starts a silo.</summary>
    /// <param name="configureSilo">Adds grains and picks the stores.</param>
    /// <param name="configureServices">Adds services grains need, or replaces the TimeProvider.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<TestSiloHost> StartAsync(Action<SiloBuilder> configureSilo, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureSilo);
        var host = new TestSiloHost(configureSilo, configureServices);
        await host.RestartAsync(cancellationToken).ConfigureAwait(false);
        return host;
    }

    /// <summary>Starts a new silo from the same configuration; the previous one must be stopped or killed.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (_host is not null)
        {
            throw new InvalidOperationException("Stop or kill the running silo before restarting it.");
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _configureServices?.Invoke(builder.Services);
        builder.Services.AddStacklSilo(silo =>
        {
            silo.Configure(options => options.SiloName = $"test-silo-{Generation + 1}");
            _configureSilo(silo);
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        _host = host;
        Generation++;
    }

    /// <summary>Stops the silo gracefully: queued turns drain, activations deactivate.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var host = _host;
        if (host is null)
        {
            return;
        }

        _host = null;
        await host.StopAsync(cancellationToken).ConfigureAwait(false);
        host.Dispose();
    }

    /// <summary>Kills the silo: no deactivation runs, in-flight work is abandoned, nothing more reaches the store from it.</summary>
    public void Kill()
    {
        var host = _host;
        if (host is null)
        {
            return;
        }

        _host = null;
        host.Services.GetRequiredService<Silo>().Kill();
        host.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
