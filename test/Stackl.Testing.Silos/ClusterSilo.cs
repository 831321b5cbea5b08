using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Stackl.Storage.Clustering;
using Stackl.Testing.Databases;

namespace Stackl.Testing;

/// <summary>A real Orleans silo in its own host, clustered on PostgreSQL as the stock silo is, with membership tuned to detect a dead silo in seconds.</summary>
/// <remarks>
/// <para>
/// The grain directory is the one the stock silo runs in a cluster (the distributed directory, no range lease), so what a test sees
/// after a silo dies is what a deployed cluster does.
/// </para>
/// <para>
/// With <c>killable</c>, the silo reaches PostgreSQL and is reached by other silos only through proxies, so <see cref="Kill"/> makes it
/// stop answering and stop writing at once, as a crashed host would, while its process (the test's) goes on. Orleans sends both ways
/// over a connection either silo opened, so the victim's own connections to its peers (which land on their proxies) are cut too.
/// Whatever else the silo stores through (Stackl's storage) must use the connection string handed to the configure callback, which
/// goes through the same proxy.
/// </para>
/// </remarks>
public sealed class ClusterSilo : IAsyncDisposable
{
    /// <summary>The service id of every test cluster (reminders are keyed by it; each test has a database of its own).</summary>
    public const string ServiceId = "stackl-cluster-tests";

    private readonly IHost _host;
    private readonly TcpProxy? _siloProxy;
    private readonly TcpProxy? _databaseProxy;
    private bool _stopped;

    private ClusterSilo(IHost host, TcpProxy? siloProxy, TcpProxy? databaseProxy, int gatewayPort, MemoryLoggerProvider log)
    {
        _host = host;
        Log = log;
        _siloProxy = siloProxy;
        _databaseProxy = databaseProxy;
        GatewayPort = gatewayPort;
    }

    /// <summary>The silo's log (Information and above).</summary>
    public MemoryLoggerProvider Log { get; }

    /// <summary>The port the silo takes client connections on.</summary>
    public int GatewayPort { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Grain references served by this silo.</summary>
    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    /// <summary>True once <see cref="Kill"/> cut the silo off.</summary>
    public bool IsKilled { get; private set; }

    /// <summary>The silo's address as the cluster knows it.</summary>
    public SiloAddress Address => Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    /// <summary>The silo's current view of the cluster.</summary>
    public ClusterMembershipSnapshot Membership => Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot;

    /// <summary>Builds and starts a silo.</summary>
    /// <param name="connectionString">The PostgreSQL database of the cluster (membership, and whatever <paramref name="configureSilo"/> stores).</param>
    /// <param name="clusterId">The cluster id; silos of one id on one database form one cluster.</param>
    /// <param name="name">The silo's name (and its host's application name).</param>
    /// <param name="killable">Reach the database and be reached by peers through proxies that <see cref="Kill"/> cuts.</param>
    /// <param name="configureSilo">Adds grains and storage; given the connection string the silo must use (the proxied one when killable).</param>
    /// <param name="configureServices">Adds services the silo's grains need.</param>
    public static async Task<ClusterSilo> StartAsync(
        string connectionString,
        string clusterId,
        string name,
        bool killable = false,
        Action<ISiloBuilder, string>? configureSilo = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        TcpProxy? siloProxy = null;
        TcpProxy? databaseProxy = null;
        if (killable)
        {
            siloProxy = TcpProxy.Start(siloPort);
            var target = new NpgsqlConnectionStringBuilder(connectionString);
            databaseProxy = TcpProxy.Start(target.Port);
            connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Port = databaseProxy.Port, Timeout = 3 }.ToString();
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = name });
        var log = new MemoryLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        configureServices?.Invoke(builder.Services);
        builder.UseOrleans(silo =>
        {
            silo.UseStacklPostgresClustering(connectionString);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = IPAddress.Loopback;
                o.SiloPort = siloProxy?.Port ?? siloPort;
                o.GatewayPort = gatewayPort;
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, siloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Loopback, gatewayPort);
            });

            // The stock silo's probe settings (ProbeTimeout 1 s, two misses), with quicker table reads so tests wait less.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);

                // Bounds a table write's retries; a cut-off silo's stop otherwise retries its Stopping and Dead writes for a minute each.
                o.MaxJoinAttemptTime = TimeSpan.FromSeconds(5);
            });

            // The stock silo's directory in a cluster (see Stackl.Silo's Program): activations on the survivors keep their entries
            // when a silo dies, and a dead silo's grains reactivate elsewhere as soon as it is declared dead.
#pragma warning disable ORLEANSEXP003 // Experimental in Orleans 10.4.2, as the stock silo uses it.
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
            silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = TimeSpan.Zero);
            configureSilo?.Invoke(silo, connectionString);
        });

        var host = builder.Build();
        var silo = new ClusterSilo(host, siloProxy, databaseProxy, gatewayPort, log);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await silo.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return silo;
    }

    /// <summary>Stops the silo gracefully: it leaves the cluster and marks itself dead.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Cuts the silo off: other silos' probes fail, its own connections to them break, and it can no longer write to the database.</summary>
    /// <remarks>Synchronous and safe to call from inside the silo (a fault point in a grain or a task's executor): nothing reaches the database from it after this returns.</remarks>
    /// <param name="peers">The other silos, started killable: the connections the victim opened to them end at their proxies, which only the victim uses in a two-silo test.</param>
    public void Kill(params ClusterSilo[] peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        if (_siloProxy is null || _databaseProxy is null || peers.Any(p => p._siloProxy is null))
        {
            throw new InvalidOperationException("Only silos started killable can be cut apart.");
        }

        IsKilled = true;

        // A crashed silo says no goodbye: the writes of its stop (Stopping, then Dead) cannot land, so each is given up after one attempt
        // (and one back-off, 1 to 3 s) instead of being retried for MaxJoinAttemptTime. Orleans reads the option from this one instance
        // each time it writes, so the change applies to a running silo.
        Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value.MaxJoinAttemptTime = TimeSpan.FromMilliseconds(100);
        _siloProxy.Cut();
        _databaseProxy.Cut();
        foreach (var peer in peers)
        {
            peer._siloProxy!.Cut();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            try
            {
                // A cut-off silo cannot mark itself dead; an already-cancelled token makes its stop quick.
                await _host.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or AggregateException or InvalidOperationException)
            {
            }
        }

        _host.Dispose();
        _siloProxy?.Cut();
        _databaseProxy?.Cut();
    }
}
