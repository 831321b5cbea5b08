using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace Stackl.Storage.Tests;

/// <summary>The grain-state store contract; subclassed once per engine.</summary>
public abstract class GrainStateStoreContractTests<TEngines> : IClassFixture<TEngines>, IAsyncLifetime
    where TEngines : class, IEngineFactory
{
    private readonly TEngines _engines;
    private Func<StorageEngine> _createEngine = null!;
    private StorageEngine _engine = null!;
    private RelationalGrainStateStore _store = null!;

    protected GrainStateStoreContractTests(TEngines engines)
    {
        _engines = engines;
    }

    public async Task InitializeAsync()
    {
        _createEngine = await _engines.CreateDatabaseAsync();
        _engine = _createEngine();
        _store = new RelationalGrainStateStore(_engine);
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
    }

    private static GrainStateKey Key(string name = "a") => new("test", name, "state");

    private static byte[] Json(string value) => Encoding.UTF8.GetBytes($"{{\"v\":\"{value}\"}}");

    [Fact]
    public async Task Read_Missing_ReturnsNull()
    {
        Assert.Null(await _store.ReadAsync(Key()));
    }

    [Fact]
    public async Task Write_VersionZero_InsertsVersionOne()
    {
        var version = await _store.WriteAsync(Key(), Json("one"), 0);
        var read = await _store.ReadAsync(Key());

        Assert.Equal(1, version);
        Assert.Equal(1, read!.Version);
        Assert.Equal(Json("one"), read.Payload);
    }

    [Fact]
    public async Task Write_StaleVersion_ThrowsAndChangesNothing()
    {
        await _store.WriteAsync(Key(), Json("one"), 0);
        await _store.WriteAsync(Key(), Json("two"), 1);

        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(() => _store.WriteAsync(Key(), Json("stale"), 1));
        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(() => _store.WriteAsync(Key(), Json("stale"), 0));

        var read = await _store.ReadAsync(Key());
        Assert.Equal(2, read!.Version);
        Assert.Equal(Json("two"), read.Payload);
    }

    [Fact]
    public async Task ConcurrentWriters_SameVersion_ExactlyOneWins()
    {
        await _store.WriteAsync(Key(), Json("base"), 0);

        var attempts = Enumerable.Range(0, 16).Select(i => _store.WriteAsync(Key(), Json($"w{i}"), 1)).ToArray();
        var outcomes = await Task.WhenAll(attempts.Select(async t =>
        {
            try
            {
                return await t;
            }
            catch (Orleans.Storage.InconsistentStateException)
            {
                return -1L;
            }
        }));

        Assert.Single(outcomes, v => v == 2);
        Assert.Equal(15, outcomes.Count(v => v == -1));
    }

    [Fact]
    public async Task Clear_KeepsTombstoneWithNextVersion()
    {
        await _store.WriteAsync(Key(), Json("one"), 0);

        var cleared = await _store.ClearAsync(Key(), 1);
        var read = await _store.ReadAsync(Key());
        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(() => _store.WriteAsync(Key(), Json("zombie"), 0));
        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(() => _store.WriteAsync(Key(), Json("zombie"), 1));
        var rewritten = await _store.WriteAsync(Key(), Json("again"), cleared);

        Assert.Equal(2, cleared);
        Assert.Null(read!.Payload);
        Assert.Equal(2, read.Version);
        Assert.Equal(3, rewritten);
    }

    [Fact]
    public async Task GroupCommit_SixtyFourWriters_AllLandAndReadBack()
    {
        var keys = Enumerable.Range(0, 64).Select(i => Key($"k{i}")).ToArray();

        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(keys.Select((k, i) => _store.WriteAsync(k, Json($"{i}-{round}"), round)));
        }

        for (var i = 0; i < keys.Length; i++)
        {
            var read = await _store.ReadAsync(keys[i]);
            Assert.Equal(5, read!.Version);
            Assert.Equal(Json($"{i}-4"), read.Payload);
        }
    }

    [Fact]
    public async Task GroupCommit_OneStaleWriteInBatch_FailsOnlyThatWrite()
    {
        await _store.WriteAsync(Key("stale"), Json("x"), 0);
        var good = Enumerable.Range(0, 32).Select(i => _store.WriteAsync(Key($"g{i}"), Json("ok"), 0)).ToList();
        var stale = _store.WriteAsync(Key("stale"), Json("y"), 7);

        await Task.WhenAll(good);
        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(() => stale);
        Assert.All(good, t => Assert.Equal(1, t.Result));
    }

    [Fact]
    public async Task Data_SurvivesReopeningTheDatabase()
    {
        await _store.WriteAsync(Key("durable"), Json("kept"), 0);
        await _engine.DisposeAsync();

        _engine = _createEngine();
        _store = new RelationalGrainStateStore(_engine);
        var read = await _store.ReadAsync(Key("durable"));

        Assert.Equal(Json("kept"), read!.Payload);
    }

    [Fact]
    public async Task Migrations_ConcurrentAndRepeated_ApplyOnce()
    {
        await using var second = _createEngine();
        await using var third = _createEngine();

        await Task.WhenAll(_engine.EnsureReadyAsync(), second.EnsureReadyAsync(), third.EnsureReadyAsync());
        var again = await new SchemaMigrator(second, [new EmbeddedSchemaScripts(typeof(StorageEngine).Assembly)], NullLogger.Instance).MigrateAsync();

        Assert.Empty(again);
    }
}

public sealed class SqliteGrainStateStoreTests(SqliteEngines engines) : GrainStateStoreContractTests<SqliteEngines>(engines);

public sealed class PostgresGrainStateStoreTests(PostgresEngines engines) : GrainStateStoreContractTests<PostgresEngines>(engines);
