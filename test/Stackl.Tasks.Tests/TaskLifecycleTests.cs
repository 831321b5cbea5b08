using Stackl.Contracts;
using Stackl.Testing;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Tasks.Queries;

namespace Stackl.Tasks.Tests;

/// <summary>Statuses, cancel, deadlines, idempotency, validation and revert actions; subclassed once per engine.</summary>
public abstract class TaskLifecycleTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    [Fact]
    public async Task Echo_CompletesWithPayloadAsResultAndLog()
    {
        var task = await RunAsync(Spec("demo", "echo", """{"hello":"world"}""", documents: ["demo/x"]));

        AssertStatus(TaskStatus.Completed, task);
        Assert.Equal("""{"hello":"world"}""", task.Result!.Value.GetRawText());
        Assert.Equal("echo", Assert.Single(task.Logs).Message);
        Assert.True(task.Created <= task.Started && task.Started <= task.Completed);
        await NoLocksAsync();
    }

    [Fact]
    public async Task Fail_EndsFailedWithTheMessage()
    {
        var task = await RunAsync(Spec("demo", "fail", """{"message":"disk full"}"""));

        AssertStatus(TaskStatus.Failed, task);
        Assert.Equal((ErrorCodes.HandlerFailed, "disk full"), (task.Error!.Code, task.Error.Message));
        Assert.Null(task.Result);
    }

    [Fact]
    public async Task Sleep_PastItsTimeout_TimesOutAndReleasesLocks()
    {
        var task = await RunAsync(Spec("demo", "sleep", """{"ms":60000}""", timeout: TimeSpan.FromMilliseconds(300), documents: ["lock/held"]));

        AssertStatus(TaskStatus.TimedOut, task);
        Assert.Equal(ErrorCodes.TimedOut, task.Error!.Code);
        Assert.True(task.Completed - task.Created < TimeSpan.FromSeconds(5), $"timed out after {task.Completed - task.Created}");
        await NoLocksAsync();
    }

    [Fact]
    public async Task Cancel_RunningTask_EndsCancelledAndStagedValueIsDiscarded()
    {
        await PutAsync("app/x", "1");
        var task = await Tasks.SubmitAsync(Spec("test", "gate", """{"gate":"g","set":{"app/x":2}}"""));
        await Gates.WaitEnteredAsync("g");

        var cancelled = await Tasks.CancelAsync(task.Id);
        var final = await FinalAsync(task.Id);

        Assert.NotNull(cancelled);
        AssertStatus(TaskStatus.Cancelled, final);
        Assert.Equal(ErrorCodes.Cancelled, final.Error!.Code);
        Assert.Equal("1", await ValueAsync("app/x"));
        await NoLocksAsync();
    }

    [Fact]
    public async Task Cancel_FinalTask_ChangesNothing()
    {
        var task = await RunAsync(Spec("demo", "echo", "1"));

        var again = await Tasks.CancelAsync(task.Id);

        AssertStatus(TaskStatus.Completed, again!);
    }

    [Fact]
    public async Task UnknownIds_AreNullNotErrors()
    {
        Assert.Null(await Tasks.GetAsync("01jzzzzzzzzzzzzzzzzzzzzzzz"));
        Assert.Null(await Tasks.GetAsync("not-an-id"));
        Assert.Null(await Tasks.CancelAsync("01jzzzzzzzzzzzzzzzzzzzzzzz"));
    }

    [Fact]
    public async Task IdempotencyKey_RepeatedSubmit_ReturnsTheFirstTask()
    {
        var first = await Tasks.SubmitAsync(Spec("demo", "echo", "1", idempotencyKey: "deploy-42"));
        var second = await Tasks.SubmitAsync(Spec("demo", "echo", "2", idempotencyKey: "deploy-42"));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("1", second.Payload.GetRawText());
        Assert.Single(await TaskIndex.ListAsync(new TaskQuery()));
    }

    [Theory]
    [InlineData("nope", "echo", "1", null, ErrorCodes.UnknownTopic)]
    [InlineData("demo", "sleep", """{"ms":"long"}""", null, ErrorCodes.InvalidPayload)]
    [InlineData("document", "put", """{"key":"Bad Key","value":1}""", null, ErrorCodes.InvalidDocumentKey)]
    [InlineData("document", "put", """{"key":"a/b"}""", null, ErrorCodes.InvalidPayload)]
    [InlineData("demo", "echo", "1", 7200.0, ErrorCodes.InvalidTimeout)]
    [InlineData("demo", "echo", "1", -1.0, ErrorCodes.InvalidTimeout)]
    public async Task InvalidSpec_IsRejectedAndNothingIsStored(string topic, string subtype, string payload, double? timeoutSeconds, string code)
    {
        var spec = Spec(topic, subtype, payload, timeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null);

        var error = await Assert.ThrowsAsync<TaskValidationException>(() => Tasks.SubmitAsync(spec));

        Assert.Equal(code, error.Code);
        Assert.Empty(await TaskIndex.ListAsync(new TaskQuery()));
        Assert.Empty(await Documents.ListAsync(null, null, 10));
    }

    [Fact]
    public async Task FailureAfterSideEffects_RunsRevertsNewestFirst()
    {
        var task = await RunAsync(Spec("test", "effects", """{"effects":["a","b","c"],"fail":true}"""));

        AssertStatus(TaskStatus.Failed, task);
        Assert.Equal(["do a", "do b", "do c", "undo c", "undo b", "undo a"], Journal.Entries);
    }

    [Fact]
    public async Task FailingRevert_EndsRollbackFailedAndStaysVisible()
    {
        var task = await RunAsync(Spec("test", "effects", """{"effects":["a","b"],"fail":true,"failRevert":"b"}"""));

        AssertStatus(TaskStatus.RollbackFailed, task);
        Assert.Equal(ErrorCodes.RollbackFailed, task.Error!.Code);
        Assert.Contains("the undo of b failed", task.Error.Message, StringComparison.Ordinal);
        var listed = await TaskIndex.ListAsync(new TaskQuery(Status: TaskStatus.RollbackFailed));
        Assert.Equal(task.Id, Assert.Single(listed).Id);
    }

    [Fact]
    public async Task List_FiltersByStatusAndTopicAndPagesNewestFirst()
    {
        var echoes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            echoes.Add((await RunAsync(Spec("demo", "echo", "1"))).Id);
        }

        await RunAsync(Spec("demo", "fail", """{"message":"x"}"""));

        var page = await TaskIndex.ListAsync(new TaskQuery(Status: TaskStatus.Completed, Topic: "demo", Limit: 2));
        var next = await TaskIndex.ListAsync(new TaskQuery(Status: TaskStatus.Completed, Topic: "demo", After: page[^1].Id, Limit: 2));
        var counts = await TaskIndex.CountByStatusAsync();

        Assert.Equal([echoes[2], echoes[1]], page.Select(t => t.Id));
        Assert.Equal([echoes[0]], next.Select(t => t.Id));
        Assert.Equal((3L, 1L), (counts[TaskStatus.Completed], counts[TaskStatus.Failed]));
    }

    [Fact]
    public async Task Events_StatusTransitionsArePublishedAfterTheyArePersisted()
    {
        using var subscription = Host.Services.GetRequiredService<Events.TaskEventHub>().Subscribe();

        var task = await RunAsync(Spec("demo", "fail", """{"message":"x"}"""));
        var seen = new List<TaskStatus>();
        await Eventually.TrueAsync("the final status event arrives", () =>
        {
            while (subscription.Reader.TryRead(out var e))
            {
                if (e.TaskId == task.Id && e.Kind == TaskEvent.StatusKind)
                {
                    seen.Add(e.Status);
                }
            }

            return seen.Contains(TaskStatus.Failed);
        });

        Assert.Equal([TaskStatus.Running, TaskStatus.RollingBack, TaskStatus.Failed], seen);
    }
}

public sealed class TaskLifecycleTestsOnSqlite() : TaskLifecycleTests(new SqliteUnderTest());

public sealed class TaskLifecycleTestsOnPostgres() : TaskLifecycleTests(new PostgresUnderTest());
