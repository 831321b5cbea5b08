using Stackl.Runtime;

namespace Stackl.Storage.Tests;

/// <summary>The reminder store contract; subclassed once per engine.</summary>
public abstract class ReminderStoreContractTests<TEngines> : IClassFixture<TEngines>, IAsyncLifetime
    where TEngines : class, IEngineFactory
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly TEngines _engines;
    private StorageEngine _engine = null!;
    private RelationalReminderStore _store = null!;

    protected ReminderStoreContractTests(TEngines engines)
    {
        _engines = engines;
    }

    public async Task InitializeAsync()
    {
        _engine = (await _engines.CreateDatabaseAsync())();
        _store = new RelationalReminderStore(_engine);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static GrainId Grain(string key = "g") => new("test", key);

    [Fact]
    public async Task Upsert_NewThenReplace_BumpsVersionAndResetsAttempt()
    {
        var first = await _store.UpsertAsync(Grain(), "r", s_t0, TimeSpan.FromMilliseconds(1500));
        await _store.RescheduleAsync(Grain(), "r", first, s_t0.AddSeconds(1), attempt: 3);
        var replaced = await _store.UpsertAsync(Grain(), "r", s_t0.AddMinutes(1), null);
        var row = await _store.GetAsync(Grain(), "r");

        Assert.Equal(1, first);
        Assert.Equal(3, replaced);
        Assert.Equal(new ReminderEntryView(s_t0.AddMinutes(1), null, 0, 3), new ReminderEntryView(row!.DueAt, row.Period, row.Attempt, row.Version));
    }

    [Fact]
    public async Task GetDue_ReturnsRowsUpToHorizonEarliestFirstWithLimit()
    {
        await _store.UpsertAsync(Grain("c"), "r", s_t0.AddSeconds(3), null);
        await _store.UpsertAsync(Grain("a"), "r", s_t0.AddSeconds(1), null);
        await _store.UpsertAsync(Grain("b"), "r", s_t0.AddSeconds(2), TimeSpan.FromSeconds(5));
        await _store.UpsertAsync(Grain("late"), "r", s_t0.AddHours(1), null);

        var due = await _store.GetDueAsync(s_t0.AddSeconds(3), limit: 2);

        Assert.Equal(["a", "b"], due.Select(r => r.Grain.Key));
        Assert.Equal(TimeSpan.FromSeconds(5), due[1].Period);
        Assert.Equal(3, (await _store.GetDueAsync(s_t0.AddSeconds(10), 100)).Count);
    }

    [Fact]
    public async Task Reschedule_StaleVersion_ReturnsNullAndChangesNothing()
    {
        var version = await _store.UpsertAsync(Grain(), "r", s_t0, null);

        var moved = await _store.RescheduleAsync(Grain(), "r", version, s_t0.AddSeconds(5), 1);
        var stale = await _store.RescheduleAsync(Grain(), "r", version, s_t0.AddSeconds(9), 2);

        Assert.Equal(version + 1, moved);
        Assert.Null(stale);
        Assert.Equal(s_t0.AddSeconds(5), (await _store.GetAsync(Grain(), "r"))!.DueAt);
    }

    [Fact]
    public async Task Remove_WithVersion_OnlyWhenUnchanged()
    {
        var version = await _store.UpsertAsync(Grain(), "r", s_t0, null);
        await _store.UpsertAsync(Grain(), "r", s_t0.AddSeconds(1), null);

        Assert.False(await _store.RemoveAsync(Grain(), "r", version));
        Assert.NotNull(await _store.GetAsync(Grain(), "r"));
        Assert.True(await _store.RemoveAsync(Grain(), "r", null));
        Assert.Null(await _store.GetAsync(Grain(), "r"));
    }

    [Fact]
    public async Task GetForGrain_ListsOnlyThatGrainsRemindersByName()
    {
        await _store.UpsertAsync(Grain("x"), "b", s_t0, null);
        await _store.UpsertAsync(Grain("x"), "a", s_t0, null);
        await _store.UpsertAsync(Grain("y"), "c", s_t0, null);

        var rows = await _store.GetForGrainAsync(Grain("x"));

        Assert.Equal(["a", "b"], rows.Select(r => r.Name));
    }

    private sealed record ReminderEntryView(DateTimeOffset DueAt, TimeSpan? Period, int Attempt, long Version);
}

public sealed class SqliteReminderStoreTests(SqliteEngines engines) : ReminderStoreContractTests<SqliteEngines>(engines);

public sealed class PostgresReminderStoreTests(PostgresEngines engines) : ReminderStoreContractTests<PostgresEngines>(engines);
