using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Messaging;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using Stackl.Storage.Clustering;
using Stackl.Storage.Tests.Clustering;
using Stackl.Testing;
using Stackl.Testing.Databases;
using Xunit.Abstractions;
using Xunit.Sdk;
using SiloAddress = Orleans.Runtime.SiloAddress;
using SiloStatus = Orleans.Runtime.SiloStatus;

namespace Stackl.Storage.Tests;

/// <summary>Orleans' ADO.NET clustering on our PostgreSQL schema: the provider's table contract, and real silos and clients on it.</summary>
public sealed class PostgresClusteringTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_clusterTimeout = TimeSpan.FromSeconds(30);

    // ---- The membership table contract, through the provider Orleans runs (AdoNetClusteringTable as IMembershipTable). ----

    [Fact]
    public async Task Migrator_FreshDatabase_InstallsEveryQueryTheProviderNeeds()
    {
        var connectionString = await MigratedDatabaseAsync();
        var keys = await QueryAsync(connectionString, "SELECT QueryKey FROM OrleansQuery", r => r.GetString(0));
        string[] required =
        [
            "CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey",
            "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey",
        ];
        Assert.Empty(required.Except(keys));
    }

    [Fact]
    public async Task InitializeMembershipTable_FreshCluster_ReadsVersionZeroWithNoMembers()
    {
        var connectionString = await MigratedDatabaseAsync();
        var table = await TableAsync(connectionString, "c1");
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);

        var data = await table.ReadAllAsync();
        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.Equal("0", data.Version.VersionEtag);
    }

    [Fact]
    public async Task InsertRow_WithTheReadVersion_StoresTheEntryAndBumpsTheVersion()
    {
        var connectionString = await MigratedDatabaseAsync();
        var table = await TableAsync(connectionString, "c1");
        var entry = Entry(11111, SiloStatus.Joining);

        var read = await table.ReadAllAsync();
        Assert.True(await table.InsertRowAsync(entry, read.Version.Next()));

        var all = await table.ReadAllAsync();
        Assert.Equal(1, all.Version.Version);
        var (stored, etag) = Assert.Single(all.Members);
        AssertSameEntry(entry, stored);
        Assert.Equal(all.Version.VersionEtag, etag);

        var row = await table.ReadRowAsync(entry.SiloAddress);
        AssertSameEntry(entry, Assert.Single(row.Members).Item1);
        Assert.Equal(all.Version, row.Version);
    }

    [Fact]
    public async Task InsertRow_StaleVersionOrDuplicate_ReturnsFalseAndChangesNothing()
    {
        var connectionString = await MigratedDatabaseAsync();
        var table = await TableAsync(connectionString, "c1");
        var first = Entry(11111, SiloStatus.Joining);
        var stale = (await table.ReadAllAsync()).Version.Next();
        Assert.True(await table.InsertRowAsync(first, stale));

        Assert.False(await table.InsertRowAsync(Entry(22222, SiloStatus.Joining), stale));
        var current = (await table.ReadAllAsync()).Version.Next();
        Assert.False(await table.InsertRowAsync(first, current));

        var all = await table.ReadAllAsync();
        Assert.Equal(1, all.Version.Version);
        Assert.Equal(first.SiloAddress, Assert.Single(all.Members).Item1.SiloAddress);
    }

    [Fact]
    public async Task InsertRow_TwoWritersOfOneVersion_ExactlyOneWins()
    {
        var connectionString = await MigratedDatabaseAsync();
        var table = await TableAsync(connectionString, "c1");
        var version = (await table.ReadAllAsync()).Version.Next();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => table.InsertRowAsync(Entry(20000 + i, SiloStatus.Joining), version)));

        Assert.Equal(1, results.Count(r => r));
        var all = await table.ReadAllAsync();
        Assert.Equal(1, all.Version.Version);
        Assert.Single(all.Members);
    }

    [Fact]
    public async Task UpdateRow_WithTheRowEtag_StoresStatusSuspectTimesAndHeartbeat()
    {
        var connectionString = await MigratedDatabaseAsync();
        var table = await TableAsync(connectionString, "c1");
        var entry = Entry(11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var (read, etag) = Assert.Single((await table.ReadRowAsync(entry.SiloAddress)).Members);
        var version = (await table.ReadAllAsync()).Version;

        var voter = SiloAddress.New(IPAddress.Loopback, 33333, 7);
        var votedAt = Millis(DateTime.UtcNow);
        read.Status = SiloStatus.Active;
        read.IAmAliveTime = votedAt;
        read.AddOrUpdateSuspector(voter, votedAt, maxVotes: 2);
        Assert.True(await table.UpdateRowAsync(read, etag, version.Next()));

        var after = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(version.Version + 1, after.Version.Version);
        var stored = Assert.Single(after.Members).Item1;
        Assert.Equal(SiloStatus.Active, stored.Status);
        Assert.Equal(votedAt, stored.IAmAliveTime);
        var (suspector, at) = Assert.Single(stored.SuspectTimes ?? []);
        Assert.Equal(voter, suspector);
        Assert.Equal(votedAt, at);
    }

    [Fact]
    public async Task UpdateRow_StaleEtag_ReturnsFalseAndChangesNothing()
    {
        var connectionString = await MigratedDatabaseAsync();
        var table = await TableAsync(connectionString, "c1");
        var entry = Entry(11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var (read, staleEtag) = Assert.Single((await table.ReadRowAsync(entry.SiloAddress)).Members);
        var staleVersion = (await table.ReadAllAsync()).Version;
        read.Status = SiloStatus.Active;
        Assert.True(await table.UpdateRowAsync(read, staleEtag, staleVersion.Next()));

        read.Status = SiloStatus.Dead;
        Assert.False(await table.UpdateRowAsync(read, staleEtag, staleVersion.Next()));
        var current = (await table.ReadAllAsync()).Version;
        Assert.False(await table.UpdateRowAsync(read, staleEtag, current.Next()));
        Assert.False(await table.UpdateRowAsync(Entry(44444, SiloStatus.Dead), current.VersionEtag, current.Next()));

        var after = await table.ReadAllAsync();
        Assert.Equal(current, after.Version);
        Assert.Equal(SiloStatus.Active, Assert.Single(after.Members).Item1.Status);
    }

    [Fact]
    public async Task UpdateIAmAlive_ChangesTheHeartbeatOnly()
    {
        var connectionString = await MigratedDatabaseAsync();
        var table = await TableAsync(connectionString, "c1");
        var entry = Entry(11111, SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadAllAsync();

        var later = Millis(entry.IAmAliveTime.AddSeconds(42));
        await table.UpdateIAmAliveAsync(new Orleans.MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = later });

        var after = await table.ReadAllAsync();
        Assert.Equal(before.Version, after.Version);
        var stored = Assert.Single(after.Members).Item1;
        Assert.Equal(later, stored.IAmAliveTime);
        Assert.Equal(SiloStatus.Active, stored.Status);
        Assert.Equal(entry.StartTime, stored.StartTime);
    }

    [Fact]
    public async Task ReadRow_UnknownSilo_ReturnsTheVersionWithoutMembers()
    {
        var connectionString = await MigratedDatabaseAsync();
        var table = await TableAsync(connectionString, "c1");
        Assert.True(await table.InsertRowAsync(Entry(11111, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next()));

        var row = await table.ReadRowAsync(SiloAddress.New(IPAddress.Loopback, 11111, 999));

        Assert.Empty(row.Members);
        Assert.Equal(1, row.Version.Version);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_RemovesDeadSilosSilentBeforeTheDateOnly()
    {
        var connectionString = await MigratedDatabaseAsync();
        var table = await TableAsync(connectionString, "c1");
        var now = Millis(DateTime.UtcNow);
        var oldDead = Entry(1, SiloStatus.Dead, now.AddHours(-2));
        var recentDead = Entry(2, SiloStatus.Dead, now);
        var oldActive = Entry(3, SiloStatus.Active, now.AddHours(-2));
        foreach (var entry in new[] { oldDead, recentDead, oldActive })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntriesAsync(now.AddHours(-1));

        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress).Order().ToArray();
        Assert.Equal(new[] { recentDead.SiloAddress, oldActive.SiloAddress }.Order(), left);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesThatClusterOnly()
    {
        var connectionString = await MigratedDatabaseAsync();
        var doomed = await TableAsync(connectionString, "doomed");
        var other = await TableAsync(connectionString, "other");
        Assert.True(await doomed.InsertRowAsync(Entry(1, SiloStatus.Active), (await doomed.ReadAllAsync()).Version.Next()));
        Assert.True(await other.InsertRowAsync(Entry(1, SiloStatus.Active), (await other.ReadAllAsync()).Version.Next()));

        await doomed.DeleteMembershipTableEntriesAsync("doomed");

        Assert.Single((await other.ReadAllAsync()).Members);
        await doomed.InitializeMembershipTableAsync(tryInitTableVersion: true);
        var fresh = await doomed.ReadAllAsync();
        Assert.Empty(fresh.Members);
        Assert.Equal(0, fresh.Version.Version);
    }

    [Fact]
    public async Task GatewayList_ListsActiveSilosWithAGatewayOnly()
    {
        var connectionString = await MigratedDatabaseAsync();
        var table = await TableAsync(connectionString, "c1");
        var active = Entry(1, SiloStatus.Active);
        var joining = Entry(2, SiloStatus.Joining);
        var noGateway = Entry(3, SiloStatus.Active);
        noGateway.ProxyPort = 0;
        foreach (var entry in new[] { active, joining, noGateway })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        var provider = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = ClusteringExtensions.NpgsqlInvariant, ConnectionString = connectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = "c1", ServiceId = "s" }));
        await provider.InitializeGatewayListProvider();
        var gateways = await provider.GetGateways();

        var gateway = Assert.Single(gateways);
        Assert.Equal(SiloAddress.New(IPAddress.Loopback, active.ProxyPort, active.SiloAddress.Generation).ToGatewayUri(), gateway);
    }

    // ---- Real silos and clients. ----

    [Fact]
    public async Task Clustering_TwoSilosOnAnEmptyDatabase_MigrateAndSeeEachOtherActive()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("clustering");
        await using var a = await ClusterSilo.StartAsync(connectionString, "two", "a");
        await using var b = await ClusterSilo.StartAsync(connectionString, "two", "b");

        var scripts = await QueryAsync(connectionString, "SELECT script FROM stackl_schema_versions", r => r.GetString(0));
        Assert.Contains("0004_orleans_membership", scripts);
        foreach (var silo in new[] { a, b })
        {
            await WaitForAsync($"{silo.Address} to list {a.Address} and {b.Address} as active hosts", async () =>
            {
                var hosts = await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
                var seen = string.Join(", ", hosts.Select(h => $"{h.Key}={h.Value}"));
                return (hosts.Count == 2 && hosts.ContainsKey(a.Address) && hosts.ContainsKey(b.Address) && hosts.Values.All(s => s == SiloStatus.Active), seen);
            });
        }

        var rows = await MembershipRowsAsync(connectionString, "two");
        Assert.Equal(SiloStatus.Active, rows[a.Address.ToString()]);
        Assert.Equal(SiloStatus.Active, rows[b.Address.ToString()]);
    }

    [Fact]
    public async Task Clustering_SiloStoppedGracefully_IsDeadAndLeavesTheActiveSet()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("clustering");
        await using var survivor = await ClusterSilo.StartAsync(connectionString, "graceful", "survivor");
        await using var leaver = await ClusterSilo.StartAsync(connectionString, "graceful", "leaver");
        var leaverAddress = leaver.Address;
        await WaitForStatusAsync(survivor, leaverAddress, SiloStatus.Active);

        var stopwatch = Stopwatch.StartNew();
        await leaver.StopAsync();
        output.WriteLine($"Graceful stop took {stopwatch.ElapsedMilliseconds} ms");

        var rows = await MembershipRowsAsync(connectionString, "graceful");
        Assert.Equal(SiloStatus.Dead, rows[leaverAddress.ToString()]);
        await WaitForStatusAsync(survivor, leaverAddress, SiloStatus.Dead);
        var hosts = await survivor.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal([survivor.Address], hosts.Keys);
        output.WriteLine($"Survivor saw the leaver dead {stopwatch.ElapsedMilliseconds} ms after the stop began");
    }

    [Fact]
    public async Task Clustering_SiloThatStopsAnswering_IsDeclaredDeadBySurvivorWithinBound()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("clustering");
        await using var survivor = await ClusterSilo.StartAsync(connectionString, "killed", "survivor", killable: true);
        await using var victim = await ClusterSilo.StartAsync(connectionString, "killed", "victim", killable: true);
        var victimAddress = victim.Address;
        await WaitForStatusAsync(survivor, victimAddress, SiloStatus.Active);
        await WaitForStatusAsync(victim, survivor.Address, SiloStatus.Active);

        var stopwatch = Stopwatch.StartNew();
        victim.Kill(survivor);

        // ProbeTimeout 1 s x NumMissedProbesLimit 2, then one vote and a table write: a few seconds; 20 s is the bound.
        await WaitForAsync($"the table to mark {victimAddress} Dead", async () =>
        {
            var rows = await MembershipRowsAsync(connectionString, "killed");
            var seen = string.Join(", ", rows.Select(r => $"{r.Key}={r.Value}"));
            return (rows.TryGetValue(victimAddress.ToString(), out var status) && status == SiloStatus.Dead, seen);
        }, TimeSpan.FromSeconds(20), survivor);
        var declared = stopwatch.Elapsed;
        await WaitForStatusAsync(survivor, victimAddress, SiloStatus.Dead, TimeSpan.FromSeconds(20));
        output.WriteLine($"Killed silo declared dead in the table after {declared.TotalMilliseconds:F0} ms, in the survivor's view after {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(SiloStatus.Active, (await MembershipRowsAsync(connectionString, "killed"))[survivor.Address.ToString()]);

        stopwatch.Restart();
        await victim.DisposeAsync();
        output.WriteLine($"Disposing the cut-off victim took {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task ClusterClient_FindsTheGatewayInTheTable_AndCallsAGrain()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("clustering");
        await using var silo = await ClusterSilo.StartAsync(connectionString, "client", "silo");

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseStacklPostgresClustering(connectionString);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "client";
                o.ServiceId = "stackl-clustering-tests";
            });
        });
        using var clientHost = builder.Build();
        using (var timeout = new CancellationTokenSource(s_clusterTimeout))
        {
            await clientHost.StartAsync(timeout.Token);
        }

        try
        {
            var gateways = await clientHost.Services.GetRequiredService<IGatewayListProvider>().GetGateways();
            Assert.Equal(SiloAddress.New(IPAddress.Loopback, silo.GatewayPort, silo.Address.Generation).ToGatewayUri(), Assert.Single(gateways));

            var answer = await clientHost.Services.GetRequiredService<IClusterClient>().GetGrain<IClusterEchoGrain>("k").EchoAsync("hello");

            Assert.Equal($"k:hello@{silo.Address}", answer);
        }
        finally
        {
            using var timeout = new CancellationTokenSource(s_clusterTimeout);
            await clientHost.StopAsync(timeout.Token);
        }
    }

    // ---- Helpers. ----

    private static async Task<string> MigratedDatabaseAsync()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("clustering");
        await using (var engine = StorageEngine.CreatePostgres(new PostgresStorageOptions { ConnectionString = connectionString }, [], NullLogger.Instance))
        {
            await engine.EnsureReadyAsync();
        }

        // A session time zone far from UTC: times must come back as the instants the provider wrote.
        return new NpgsqlConnectionStringBuilder(connectionString) { Timezone = "Pacific/Chatham" }.ToString();
    }

    private static async Task<Orleans.IMembershipTable> TableAsync(string connectionString, string clusterId)
    {
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "stackl-clustering-tests" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = ClusteringExtensions.NpgsqlInvariant, ConnectionString = connectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }

    private static Orleans.MembershipEntry Entry(int port, SiloStatus status, DateTime? iAmAlive = null)
    {
        var now = Millis(DateTime.UtcNow);
        return new Orleans.MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 100 + port),
            SiloName = $"silo-{port}",
            HostName = "host",
            Status = status,
            ProxyPort = 30000 + port,
            StartTime = (iAmAlive ?? now).AddMinutes(-1),
            IAmAliveTime = iAmAlive ?? now,
        };
    }

    private static DateTime Millis(DateTime utc) => new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    private static void AssertSameEntry(Orleans.MembershipEntry expected, Orleans.MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(DateTimeKind.Utc, actual.IAmAliveTime.Kind);
        Assert.Empty(actual.SuspectTimes ?? []);
    }

    private static async Task<List<T>> QueryAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> map)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static async Task<Dictionary<string, SiloStatus>> MembershipRowsAsync(string connectionString, string clusterId)
    {
        var rows = await QueryAsync(
            connectionString,
            $"SELECT address, port, generation, status FROM stackl_membership WHERE deployment_id = '{clusterId}'",
            r => (Address: SiloAddress.New(IPAddress.Parse(r.GetString(0)), r.GetInt32(1), r.GetInt32(2)).ToString(), Status: (SiloStatus)r.GetInt32(3)));
        return rows.ToDictionary(r => r.Address, r => r.Status);
    }

    private static Task WaitForStatusAsync(ClusterSilo observer, SiloAddress silo, SiloStatus status, TimeSpan? timeout = null) =>
        WaitForAsync($"{observer.Address} to see {silo} as {status}", () =>
        {
            var snapshot = observer.Membership;
            var seen = $"version {snapshot.Version}: " + string.Join(", ", snapshot.Members.Values.Select(m => $"{m.SiloAddress}={m.Status}"));
            return Task.FromResult((snapshot.GetSiloStatus(silo) == status, seen));
        }, timeout, observer);

    /// <summary>Polls a condition until it holds; the failure names what was expected, the last thing seen and the silo's latest log lines.</summary>
    private static async Task WaitForAsync(string expected, Func<Task<(bool Done, string Seen)>> condition, TimeSpan? timeout = null, ClusterSilo? logOf = null)
    {
        var limit = timeout ?? s_clusterTimeout;
        var stopwatch = Stopwatch.StartNew();
        var seen = "nothing yet";
        while (stopwatch.Elapsed < limit)
        {
            (var done, seen) = await condition();
            if (done)
            {
                return;
            }

            await Task.Delay(50);
        }

        var log = logOf is null ? "" : Environment.NewLine + "Log of " + logOf.Address + ":" + Environment.NewLine + string.Join(Environment.NewLine, logOf.Log.Lines.TakeLast(20));
        throw new XunitException($"Waited {limit.TotalSeconds} s for {expected}; last seen: {seen}{log}");
    }
}
