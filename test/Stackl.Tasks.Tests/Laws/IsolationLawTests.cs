using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Tasks.Tests.Laws;

/// <summary>Law 2, isolation: no task reads another's uncommitted value; two tasks never hold one lock. Subclassed once per engine.</summary>
public abstract class IsolationLawTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    [Fact]
    public async Task StagedValue_IsInvisibleToReadersAndListingsUntilCommit()
    {
        await PutAsync("app/x", "1");
        var writer = await Tasks.SubmitAsync(Spec("test", "gate", """{"gate":"w","set":{"app/x":2,"app/y":3}}"""));
        await Gates.WaitEnteredAsync("w");

        var whileHeld = await Tasks.GetDocumentAsync("app/x");
        var listed = await Documents.ListAsync("app/", null, 10);

        Assert.Equal(("1", writer.Id), (whileHeld.Value!.Value.GetRawText(), whileHeld.LockedBy));
        Assert.Equal(["app/x"], listed.Select(d => d.Key));
        Assert.Equal("1", listed[0].Value!.Value.GetRawText());

        Gates.Release("w");
        AssertStatus(TaskStatus.Completed, await FinalAsync(writer.Id));
        Assert.Equal("2", await ValueAsync("app/x"));
        Assert.Equal("3", await ValueAsync("app/y"));
    }

    [Fact]
    public async Task SecondTask_WaitsForTheLockAndSeesTheFirstTasksCommit()
    {
        await PutAsync("app/x", """{"n":1}""");
        var first = await Tasks.SubmitAsync(Spec("test", "gate", """{"gate":"first","set":{"app/x":{"n":2}}}"""));
        await Gates.WaitEnteredAsync("first");
        var second = await Tasks.SubmitAsync(Spec("document", "transaction", """{"ops":[{"op":"increment","key":"app/x","path":"/n","by":10}]}"""));

        var waiting = await Eventually.ValueAsync("the second task queues for the lock", () => Tasks.GetLockWaitersAsync("app/x"), w => w.Count == 1, Wait);
        Assert.Equal(second.Id, waiting[0]);
        Assert.Equal(TaskStatus.Running, (await Tasks.GetAsync(second.Id))!.Status);
        Gates.Release("first");

        AssertStatus(TaskStatus.Completed, await FinalAsync(first.Id));
        AssertStatus(TaskStatus.Completed, await FinalAsync(second.Id));
        Assert.Equal("""{"n":12}""", await ValueAsync("app/x"));
    }

    [Fact]
    public async Task ManyTasksOnOneHotDocument_NoIncrementIsLost()
    {
        await PutAsync("counter/hot", """{"n":0}""");
        const int TaskCount = 60;

        var submitted = await Task.WhenAll(Enumerable.Range(0, TaskCount).Select(_ =>
            Tasks.SubmitAsync(Spec("document", "transaction", """{"ops":[{"op":"increment","key":"counter/hot","path":"/n","by":1}]}"""))));
        var finals = await Task.WhenAll(submitted.Select(t => FinalAsync(t.Id)));

        Assert.All(finals, t => AssertStatus(TaskStatus.Completed, t));
        var document = await Tasks.GetDocumentAsync("counter/hot");
        Assert.Equal(("""{"n":60}""", 61L), (document.Value!.Value.GetRawText(), document.Version));

        // Every version was committed by exactly one task: no two tasks held the lock at once.
        var history = await Documents.HistoryAsync("counter/hot", null, 100);
        Assert.Equal(TaskCount, history.Where(h => h.Version > 1).Select(h => h.TaskId).Distinct().Count());
    }
}

public sealed class IsolationLawTestsOnSqlite() : IsolationLawTests(new SqliteUnderTest());

public sealed class IsolationLawTestsOnPostgres() : IsolationLawTests(new PostgresUnderTest());
