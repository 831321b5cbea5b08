using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Stackl.Storage.Clustering;
using Stackl.Testing.Databases;

namespace Stackl.Storage.Tests.Clustering;

/// <summary>A real Orleans silo in its own host, clustered on PostgreSQL, with membership tuned to detect a dead silo in seconds.</summary>
/// <remarks>
/// With <c>killable</c>, the silo reaches PostgreSQL and is reached by other silos only through proxies, so <see cref="Kill"/> makes it
/// stop answering and stop writing at once, as a crashed host would, while its process (the test's) goes on. Orleans sends both ways
/// over a connection either silo opened, so the victim's own connections to its peers (which land on their proxies) are cut too.
/// </remarks>
public sealed class ClusterTestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TcpProxy? _siloProxy;
    private readonly TcpProxy? _databaseProxy;
    private bool _stopped;

    private ClusterTestSilo(IHost host, TcpProxy? siloProxy, TcpProxy? databaseProxy, int gatewayPort, MemoryLoggerProvider log)
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

    /// <summary>The silo's address as the cluster knows it.</summary>
    public Orleans.Runtime.SiloAddress Address => Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress;

    /// <summary>The silo's current view of the cluster.</summary>
    public Orleans.Runtime.ClusterMembershipSnapshot Membership => Services.GetRequiredService<Orleans.Runtime.IClusterMembershipService>().CurrentSnapshot;

    /// <summary>Builds and starts a silo.</summary>
    public static async Task<ClusterTestSilo> StartAsync(string connectionString, string clusterId, string name, bool killable = false)
    {
        var siloPort = Stackl.Testing.FreePort.Next();
        var gatewayPort = Stackl.Testing.FreePort.Next();
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
        builder.UseOrleans(silo =>
        {
            silo.UseStacklPostgresClustering(connectionString);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = "stackl-clustering-tests";
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
        });

        var host = builder.Build();
        var silo = new ClusterTestSilo(host, siloProxy, databaseProxy, gatewayPort, log);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    /// <summary>Stops the silo gracefully: it leaves the cluster and marks itself dead.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(timeout.Token);
    }

    /// <summary>Cuts the silo off: other silos' probes fail, its own connections to them break, and it can no longer write to the database.</summary>
    /// <param name="peers">The other silos, started killable: the connections the victim opened to them end at their proxies, which only the victim uses in a two-silo test.</param>
    public void Kill(params ClusterTestSilo[] peers)
    {
        if (_siloProxy is null || _databaseProxy is null || peers.Any(p => p._siloProxy is null))
        {
            throw new InvalidOperationException("Only silos started killable can be cut apart.");
        }

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
                await _host.StopAsync(new CancellationToken(canceled: true));
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
