using System.Text.Json;
using Orleans.Storage;
using Stackl.Contracts;
using Stackl.Storage.Tasks;
using Stackl.Tasks.Execution;

namespace Stackl.Storage.Tests;

/// <summary>The Orleans grain-storage provider on Stackl's stores: ETags, stale writes, clear, and index columns from the typed state; subclassed once per engine.</summary>
public abstract class GrainStorageProviderTests<TEngines> : IClassFixture<TEngines>, IAsyncLifetime
    where TEngines : class, IEngineFactory
{
    private static readonly GrainId s_grain = GrainId.Create("test", "a");
    private readonly TEngines _engines;
    private StorageEngine _engine = null!;

    protected GrainStorageProviderTests(TEngines engines)
    {
        _engines = engines;
    }

    public async Task InitializeAsync() => _engine = (await _engines.CreateDatabaseAsync())();

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Read_Missing_HasNoRecordAndNoETag()
    {
        var storage = new StacklGrainStorage(new RelationalGrainStateStore(_engine));
        var state = new GrainState<Counter>(new Counter());

        await storage.ReadStateAsync("state", s_grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task Write_ThenReadInAnotherActivation_ReturnsTheStateAndItsETag()
    {
        var storage = new StacklGrainStorage(new RelationalGrainStateStore(_engine));
        var written = new GrainState<Counter>(new Counter { Value = 7 });
        await storage.WriteStateAsync("state", s_grain, written);

        var read = new GrainState<Counter>(new Counter());
        await storage.ReadStateAsync("state", s_grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(7, read.State!.Value);
        Assert.Equal(written.ETag, read.ETag);
    }

    [Fact]
    public async Task Write_WithAStaleETag_IsRefusedAndChangesNothing()
    {
        var storage = new StacklGrainStorage(new RelationalGrainStateStore(_engine));
        var first = new GrainState<Counter>(new Counter { Value = 1 });
        await storage.WriteStateAsync("state", s_grain, first);
        var zombie = new GrainState<Counter>(new Counter()) { ETag = first.ETag };
        first.State!.Value = 2;
        await storage.WriteStateAsync("state", s_grain, first);

        zombie.State!.Value = 99;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", s_grain, zombie));

        var read = new GrainState<Counter>(new Counter());
        await storage.ReadStateAsync("state", s_grain, read);
        Assert.Equal(2, read.State!.Value);
    }

    [Fact]
    public async Task Clear_LeavesNoRecord_AndTheNextWriteSucceeds()
    {
        var storage = new StacklGrainStorage(new RelationalGrainStateStore(_engine));
        var state = new GrainState<Counter>(new Counter { Value = 3 });
        await storage.WriteStateAsync("state", s_grain, state);

        await storage.ClearStateAsync("state", s_grain, state);
        var read = new GrainState<Counter>(new Counter());
        await storage.ReadStateAsync("state", s_grain, read);
        Assert.False(read.RecordExists);

        state.State!.Value = 4;
        await storage.WriteStateAsync("state", s_grain, state);
        await storage.ReadStateAsync("state", s_grain, read);
        Assert.Equal(4, read.State!.Value);
    }

    [Fact]
    public async Task TaskStore_ProjectsItsIndexColumnsFromTheTypedState()
    {
        var storage = new StacklGrainStorage(new RelationalTaskStateStore(_engine));
        var index = new RelationalTaskIndex(_engine);
        var id = TaskId.New(TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var state = new GrainState<TaskState>(new TaskState
        {
            Submission = new TaskSubmission("demo", "echo", null, JsonSerializer.SerializeToElement(new { }), [], TimeSpan.FromSeconds(5)),
            Status = TaskStatus.Running,
            Created = now,
            Started = now,
            Deadline = now.AddSeconds(5),
        });

        await storage.WriteStateAsync("task", GrainId.Create("task", id), state);
        var running = await index.ListAsync(new Stackl.Tasks.Queries.TaskQuery(TaskStatus.Running));
        state.State!.Status = TaskStatus.Completed;
        state.State.Completed = now.AddSeconds(1);
        await storage.WriteStateAsync("task", GrainId.Create("task", id), state);
        var completed = await index.ListAsync(new Stackl.Tasks.Queries.TaskQuery(TaskStatus.Completed, Topic: "demo"));

        Assert.Equal([id], running.Select(t => t.Id));
        Assert.Equal([id], completed.Select(t => t.Id));
    }

    public sealed class Counter
    {
        public int Value { get; set; }
    }
}

public sealed class SqliteGrainStorageProviderTests(SqliteEngines engines) : GrainStorageProviderTests<SqliteEngines>(engines);

public sealed class PostgresGrainStorageProviderTests(PostgresEngines engines) : GrainStorageProviderTests<PostgresEngines>(engines);
