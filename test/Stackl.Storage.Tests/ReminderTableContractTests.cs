using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Stackl.Storage.Reminders;
using Stackl.Testing.Databases;
using IReminderTable = Orleans.IReminderTable;
using OrleansGrainId = Orleans.Runtime.GrainId;
using OrleansReminderEntry = Orleans.ReminderEntry;

namespace Stackl.Storage.Tests;

/// <summary>Orleans' <see cref="IReminderTable"/> contract; subclassed once per engine.</summary>
public abstract class ReminderTableContractTests : IAsyncLifetime
{
    private const string ServiceId = "contract";
    private static readonly DateTime s_t0 = new(2026, 11, 24, 12, 0, 0, 123, DateTimeKind.Utc);
    private IReminderTable _table = null!;

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        _table = await OpenTableAsync(ServiceId);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Creates the fresh, migrated database this test's tables open.</summary>
    protected abstract Task CreateDatabaseAsync();

    /// <summary>Opens a started table over this test's database, as another silo of <paramref name="serviceId"/> would.</summary>
    protected abstract Task<IReminderTable> OpenTableAsync(string serviceId);

    /// <summary>Opens our engine over this test's database, to read the stored columns as they are.</summary>
    protected abstract StorageEngine OpenEngine();

    private static OrleansGrainId Grain(string key = "g") => OrleansGrainId.Create("probe", key);

    private static OrleansReminderEntry Entry(OrleansGrainId grain, string name = "r", DateTime? startAt = null, TimeSpan? period = null) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = startAt ?? s_t0,
        Period = period ?? TimeSpan.FromMinutes(1),
    };

    [Fact]
    public async Task ReadRow_Missing_ReturnsNull()
    {
        Assert.Null(await _table.ReadRow(Grain(), "none"));
        Assert.Empty((await _table.ReadRows(Grain())).Reminders);
    }

    [Fact]
    public async Task UpsertRow_New_ReadsBackEveryFieldAndTheETag()
    {
        var etag = await _table.UpsertRow(Entry(Grain(), "r", s_t0, TimeSpan.FromSeconds(90)));
        var row = await _table.ReadRow(Grain(), "r");

        Assert.False(string.IsNullOrEmpty(etag));
        Assert.NotNull(row);
        Assert.Equal(Grain(), row.GrainId);
        Assert.Equal("r", row.ReminderName);
        Assert.Equal(s_t0, row.StartAt);
        Assert.Equal(TimeSpan.FromSeconds(90), row.Period);
        Assert.Equal(etag, row.ETag);
    }

    [Fact]
    public async Task UpsertRow_StoresTheSameColumnValuesOnEveryEngine()
    {
        var grain = Grain("columns");
        var etag = await _table.UpsertRow(Entry(grain, "r", s_t0, TimeSpan.FromMilliseconds(1500)));

        await using var engine = OpenEngine();
        var stored = await engine.QueryAsync(
            SqlStatement.Of("SELECT service_id, grain_id, grain_hash, start_at, period_us, version FROM stackl_orleans_reminders WHERE reminder_name = @n", ("n", "r")),
            r => (r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        // Unix microseconds of 2026-11-24T12:00:00.123Z; the hash as a signed 32-bit integer; the version is the ETag.
        Assert.Equal((ServiceId, grain.ToString(), unchecked((int)grain.GetUniformHashCode()), 1_795_521_600_123_000L, 1_500_000L, etag), Assert.Single(stored));
    }

    [Fact]
    public async Task UpsertRow_Replace_ReturnsANewETagEachWriteAndKeepsTheLastValues()
    {
        var etags = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            etags.Add(await _table.UpsertRow(Entry(Grain(), "r", s_t0.AddMinutes(i), TimeSpan.FromSeconds(10 + i))));
        }

        var row = await _table.ReadRow(Grain(), "r");

        Assert.Equal(4, etags.Distinct().Count());
        Assert.Equal(etags[^1], row!.ETag);
        Assert.Equal(s_t0.AddMinutes(3), row.StartAt);
        Assert.Equal(TimeSpan.FromSeconds(13), row.Period);
        Assert.Single((await _table.ReadRows(Grain())).Reminders);
    }

    [Fact]
    public async Task UpsertRow_PeriodBeyondInt32Milliseconds_RoundTrips()
    {
        // Orleans' ADO.NET provider passes the period as a bigint only past int.MaxValue milliseconds (about 24.8 days).
        var period = TimeSpan.FromDays(40);

        await _table.UpsertRow(Entry(Grain(), "long", period: period));

        Assert.Equal(period, (await _table.ReadRow(Grain(), "long"))!.Period);
    }

    [Fact]
    public async Task RemoveRow_CurrentETag_RemovesTheRow()
    {
        var etag = await _table.UpsertRow(Entry(Grain()));

        Assert.True(await _table.RemoveRow(Grain(), "r", etag!));
        Assert.Null(await _table.ReadRow(Grain(), "r"));
        Assert.False(await _table.RemoveRow(Grain(), "r", etag!));
    }

    [Fact]
    public async Task RemoveRow_StaleETag_ReturnsFalseAndKeepsTheRow()
    {
        var stale = await _table.UpsertRow(Entry(Grain()));
        var current = await _table.UpsertRow(Entry(Grain(), startAt: s_t0.AddHours(1)));

        Assert.False(await _table.RemoveRow(Grain(), "r", stale!));
        Assert.Equal(current, (await _table.ReadRow(Grain(), "r"))!.ETag);
        Assert.False(await _table.RemoveRow(Grain(), "other", current!));
        Assert.False(await _table.RemoveRow(Grain("h"), "r", current!));
        Assert.NotNull(await _table.ReadRow(Grain(), "r"));
    }

    [Fact]
    public async Task RemoveRow_ETagOfAnEarlierRegistration_DoesNotRemoveTheNewOne()
    {
        var first = await _table.UpsertRow(Entry(Grain()));
        Assert.True(await _table.RemoveRow(Grain(), "r", first!));
        var second = await _table.UpsertRow(Entry(Grain()));

        Assert.NotEqual(first, second);
        Assert.False(await _table.RemoveRow(Grain(), "r", first!));
        Assert.Equal(second, (await _table.ReadRow(Grain(), "r"))!.ETag);
    }

    [Fact]
    public async Task ReadRows_ByGrain_ReturnsOnlyThatGrainsReminders()
    {
        await _table.UpsertRow(Entry(Grain("a"), "one"));
        await _table.UpsertRow(Entry(Grain("a"), "two"));
        await _table.UpsertRow(Entry(Grain("b"), "one"));

        var rows = (await _table.ReadRows(Grain("a"))).Reminders;

        Assert.Equal(["one", "two"], rows.Select(r => r.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(Grain("a"), r.GrainId));
    }

    [Fact]
    public async Task ReadRows_RingRanges_ReturnExactlyTheHashesInBeginExclusiveEndInclusive()
    {
        var grains = Enumerable.Range(0, 64).Select(i => Grain($"ring-{i}")).ToArray();
        await Task.WhenAll(grains.Select(g => _table.UpsertRow(Entry(g))));
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToArray();
        var low = hashes[5];
        var high = hashes[^5];
        var belowMiddle = hashes.Last(h => h < 0x8000_0000u);
        var aboveMiddle = hashes.First(h => h >= 0x8000_0000u);

        (uint Begin, uint End, string Name)[] ranges =
        [
            (low, high, "plain range, bounds on stored hashes"),
            (belowMiddle - 1, aboveMiddle, "crosses 2^31 (the signed wrap)"),
            (aboveMiddle, belowMiddle, "wraps past uint.MaxValue"),
            (high, low, "wraps, bounds on stored hashes"),
            (0, uint.MaxValue, "everything but hash 0"),
            (uint.MaxValue, 0, "wraps over zero only"),
            (0x4000_0000u, 0xC000_0000u, "middle half"),
            (0xC000_0000u, 0x4000_0000u, "outer half"),
        ];

        foreach (var (begin, end, name) in ranges)
        {
            var expected = grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order(StringComparer.Ordinal).ToArray();
            var actual = (await _table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal).ToArray();
            Assert.True(expected.SequenceEqual(actual), $"Range ({begin:X8}, {end:X8}] ({name}): expected {expected.Length} rows [{string.Join(", ", expected)}], got {actual.Length} [{string.Join(", ", actual)}].");
        }

        Assert.NotEmpty((await _table.ReadRows(low, high)).Reminders);
        Assert.NotEmpty((await _table.ReadRows(high, low)).Reminders);
    }

    [Fact]
    public async Task ReadRows_FullRing_ReturnsEveryRow()
    {
        var grains = Enumerable.Range(0, 20).Select(i => Grain($"full-{i}")).ToArray();
        await Task.WhenAll(grains.Select(g => _table.UpsertRow(Entry(g))));
        var anyHash = grains[7].GetUniformHashCode();

        Assert.Equal(20, (await _table.ReadRows(0, 0)).Reminders.Count);
        Assert.Equal(20, (await _table.ReadRows(anyHash, anyHash)).Reminders.Count);
        Assert.Equal(20, (await _table.ReadRows(uint.MaxValue, uint.MaxValue)).Reminders.Count);
    }

    [Fact]
    public async Task ServiceIds_AreIsolated()
    {
        var other = await OpenTableAsync("other-service");
        var mine = await _table.UpsertRow(Entry(Grain(), startAt: s_t0));
        var theirs = await other.UpsertRow(Entry(Grain(), startAt: s_t0.AddDays(1)));

        Assert.Equal(s_t0, (await _table.ReadRow(Grain(), "r"))!.StartAt);
        Assert.Equal(s_t0.AddDays(1), (await other.ReadRow(Grain(), "r"))!.StartAt);
        Assert.Single((await _table.ReadRows(0, 0)).Reminders);
        Assert.Single((await other.ReadRows(0, 0)).Reminders);
        Assert.False(await other.RemoveRow(Grain(), "r", mine!));

        await _table.TestOnlyClearTable();

        Assert.Null(await _table.ReadRow(Grain(), "r"));
        Assert.Equal(theirs, (await other.ReadRow(Grain(), "r"))!.ETag);
    }

    [Fact]
    public async Task TestOnlyClearTable_RemovesEveryRowOfTheService()
    {
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => _table.UpsertRow(Entry(Grain($"c{i}")))));

        await _table.TestOnlyClearTable();

        Assert.Empty((await _table.ReadRows(0, 0)).Reminders);
    }

    [Fact]
    public async Task UpsertRow_ManyConcurrentWriters_AllLandWithDistinctETags()
    {
        var entries = Enumerable.Range(0, 300).Select(i => Entry(Grain($"m{i % 100}"), $"r{i / 100}", s_t0.AddSeconds(i))).ToArray();

        var etags = await Task.WhenAll(entries.Select(e => _table.UpsertRow(e)));
        var rows = (await _table.ReadRows(0, 0)).Reminders;

        // Stronger than Orleans asks (a new ETag per write of a row): our ETags come from one counter, so they never repeat in a database.
        Assert.Equal(300, etags.Distinct().Count());
        Assert.Equal(300, rows.Count);
        var byKey = rows.ToDictionary(r => (r.GrainId.ToString(), r.ReminderName));
        for (var i = 0; i < entries.Length; i++)
        {
            var row = byKey[(entries[i].GrainId.ToString(), entries[i].ReminderName)];
            Assert.Equal(etags[i], row.ETag);
            Assert.Equal(entries[i].StartAt, row.StartAt);
        }
    }

    [Fact]
    public async Task Rows_AreSeenByAnotherTableOverTheSameDatabase()
    {
        var etag = await _table.UpsertRow(Entry(Grain("durable"), "kept", s_t0, TimeSpan.FromHours(1)));

        var reopened = await OpenTableAsync(ServiceId);
        var row = await reopened.ReadRow(Grain("durable"), "kept");

        Assert.Equal(etag, row!.ETag);
        Assert.Equal(TimeSpan.FromHours(1), row.Period);
        Assert.True(await reopened.RemoveRow(Grain("durable"), "kept", etag!));
    }

    /// <summary>Orleans' ring range (begin, end]: one interval when begin &lt; end, else it wraps (begin = end is the whole ring).</summary>
    private static bool InRange(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}

/// <summary>Our <see cref="SqliteReminderTable"/> on a fresh SQLite file; each opened table gets its own engine over that file.</summary>
public sealed class SqliteReminderTableTests(SqliteEngines engines) : ReminderTableContractTests, IClassFixture<SqliteEngines>
{
    private readonly List<StorageEngine> _engines = [];
    private Func<StorageEngine> _createEngine = null!;

    protected override async Task CreateDatabaseAsync() => _createEngine = await engines.CreateDatabaseAsync();

    protected override async Task<IReminderTable> OpenTableAsync(string serviceId)
    {
        var engine = _createEngine();
        _engines.Add(engine);
        var table = new SqliteReminderTable(engine, Options.Create(new ClusterOptions { ServiceId = serviceId }));
        await table.StartAsync(CancellationToken.None);
        return table;
    }

    protected override StorageEngine OpenEngine() => _createEngine();

    public override async Task DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            await engine.DisposeAsync();
        }
    }

    [Fact]
    public void Constructor_EmptyServiceId_NamesTheOption()
    {
        var exception = Assert.Throws<ArgumentException>(() => new SqliteReminderTable(_createEngine(), Options.Create(new ClusterOptions { ServiceId = "" })));

        Assert.Contains("ServiceId", exception.Message, StringComparison.Ordinal);
    }
}

/// <summary>Orleans' own ADO.NET reminder table (invariant Npgsql) on a fresh PostgreSQL database migrated by our <see cref="SchemaMigrator"/>.</summary>
public sealed class PostgresReminderTableTests : ReminderTableContractTests
{
    private readonly List<ServiceProvider> _providers = [];
    private string _connectionString = null!;

    protected override async Task CreateDatabaseAsync()
    {
        _connectionString = await PostgresServer.Shared.CreateDatabaseAsync("reminders");
        await using var engine = OpenEngine();
        await engine.EnsureReadyAsync();
    }

    protected override StorageEngine OpenEngine() =>
        StorageEngine.CreatePostgres(new PostgresStorageOptions { ConnectionString = _connectionString }, [], NullLogger.Instance);

    protected override async Task<IReminderTable> OpenTableAsync(string serviceId)
    {
        var services = new ServiceCollection();
        services.Configure<ClusterOptions>(o => o.ServiceId = serviceId);
        services.UseAdoNetReminderService(options => options.Configure(o =>
        {
            o.Invariant = "Npgsql";

            // A session time zone far from UTC: stored and read times must not depend on it.
            o.ConnectionString = new NpgsqlConnectionStringBuilder(_connectionString) { Timezone = "Pacific/Auckland" }.ToString();
        }));
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        var table = provider.GetRequiredService<IReminderTable>();
        await table.StartAsync(CancellationToken.None);
        return table;
    }

    public override async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
    }
}
