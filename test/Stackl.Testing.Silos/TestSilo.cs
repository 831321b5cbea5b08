using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Stackl.Storage;

namespace Stackl.Testing;

/// <summary>Runs one Orleans silo in the test process on real storage: start, stop gracefully, kill, and restart on the same database.</summary>
/// <remarks>
/// A restart builds a fresh host from the same configuration callbacks, so storage chosen with <c>UseStacklSqlite</c> or
/// <c>UseStacklPostgres</c> reconnects to the same database, as a silo process restarted after a crash would. The silo uses
/// localhost clustering on free ports of 127.0.0.1.
/// </remarks>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly Action<ISiloBuilder> _configureSilo;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly string _clusterId = $"test-{Guid.NewGuid():N}";
    private IHost? _host;
    private Task _killing = Task.CompletedTask;

    private TestSilo(Action<ISiloBuilder> configureSilo, Action<IServiceCollection>? configureServices)
    {
        _configureSilo = configureSilo;
        _configureServices = configureServices;
    }

    /// <summary>Grain references served by the running silo.</summary>
    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The running silo's services.</summary>
    public IServiceProvider Services => _host?.Services ?? throw new InvalidOperationException("The test silo is not running; call RestartAsync.");

    /// <summary>True between a start and a stop or kill.</summary>
    public bool IsRunning => _host is not null;

    /// <summary>How many times the silo was started.</summary>
    public int Generation { get; private set; }

    /// <summary>Builds and starts a silo.</summary>
    /// <param name="configureSilo">Adds Stackl (or test grains) and picks the storage.</param>
    /// <param name="configureServices">Adds services grains need, or replaces the TimeProvider.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<TestSilo> StartAsync(Action<ISiloBuilder> configureSilo, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureSilo);
        var silo = new TestSilo(configureSilo, configureServices);
        await silo.RestartAsync(cancellationToken).ConfigureAwait(false);
        return silo;
    }

    /// <summary>Starts a new silo from the same configuration; the previous one must be stopped or killed.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        if (_host is not null)
        {
            throw new InvalidOperationException("Stop or kill the running silo before restarting it.");
        }

        await _killing.ConfigureAwait(false);

        // A free port can be taken by another process between picking it and binding it: pick again and retry.
        for (var attempt = 1; ; attempt++)
        {
            var host = Build();
            try
            {
                await host.StartAsync(cancellationToken).ConfigureAwait(false);
                _host = host;
                Generation++;
                return;
            }
            catch (Exception exception) when (attempt < 5 && FreePort.IsAddressInUse(exception))
            {
                host.Dispose();
            }
        }
    }

    private IHost Build()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        _configureServices?.Invoke(builder.Services);
        var generation = Generation + 1;
        var (siloPort, gatewayPort) = FreePort.Pair();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: _clusterId, clusterId: _clusterId);
            silo.Configure<SiloOptions>(o => o.SiloName = $"test-silo-{generation}");
            _configureSilo(silo);
        });
        return builder.Build();
    }

    /// <summary>Stops the silo gracefully: activations deactivate, hosted services stop.</summary>
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

    /// <summary>Kills the silo as a crash would: its storage is cut off before this returns, so nothing more reaches the database from it; the rest of it stops in the background.</summary>
    /// <remarks>Safe to call from inside the silo (a fault point in a grain or an executor); <see cref="RestartAsync"/> waits for the rest.</remarks>
    public void Kill()
    {
        var host = _host;
        if (host is null)
        {
            return;
        }

        _host = null;

        // The engine refuses new writes from the synchronous start of its disposal on.
        var storageClosed = host.Services.GetService<StorageEngine>() is { } engine ? engine.DisposeAsync().AsTask() : Task.CompletedTask;
        _killing = Task.Run(async () =>
        {
            await storageClosed.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await host.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // An abandoned stop is what a kill is.
            }

            host.Dispose();
        });
    }

    /// <summary>Kills the silo (see <see cref="Kill"/>) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        Kill();
        await _killing.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _killing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
