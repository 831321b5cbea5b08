using System.Net;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Client.Tests;

/// <summary>
/// The SDK's behaviour, whatever its transport: every <see cref="IStacklClient"/> answers these alike (values, errors and their
/// status codes). Subclassed per transport: <see cref="StacklClientTests"/> (HTTP) and <see cref="StacklClusterClientTests"/> (Orleans gateway).
/// </summary>
public abstract class StacklClientSuite
{
    /// <summary>The client under test, connected to the shared in-process silo.</summary>
    protected abstract IStacklClient Client { get; }

    [Fact]
    public async Task Submit_EchoWithDefaultWait_ReturnsTheCompletedTaskWithItsResult()
    {
        var task = await Client.SubmitAsync(TestJson.Echo("""{"hello":"world"}"""));

        Assert.Equal(TaskStatus.Completed, task.Status);
        Assert.Equal("world", task.Result!.Value.GetProperty("hello").GetString());
        Assert.Equal(26, task.Id.Length);
    }

    [Fact]
    public async Task Submit_WithoutWait_AnswersAtOnceAndWaitReturnsTheFinalTask()
    {
        var accepted = await Client.SubmitAsync(TestJson.Sleep(1500), wait: TimeSpan.Zero);
        var final = await Client.WaitAsync(accepted.Id, TimeSpan.FromSeconds(30));

        Assert.False(accepted.Status.IsFinal(), $"Expected task {accepted.Id} not final right after the submit, but it is {accepted.Status}.");
        Assert.Equal(TaskStatus.Completed, final.Status);
        Assert.Equal(1500, final.Result!.Value.GetProperty("slept").GetInt32());
    }

    [Fact]
    public async Task Wait_TimeoutBeforeTheTaskEnds_ThrowsWithTheTaskAsLastSeen()
    {
        var accepted = await Client.SubmitAsync(TestJson.Sleep(5000), wait: TimeSpan.Zero);

        var timeout = await Assert.ThrowsAsync<StacklWaitTimeoutException>(() => Client.WaitAsync(accepted.Id, TimeSpan.FromMilliseconds(300)));

        Assert.Equal(accepted.Id, timeout.LastSeen!.Id);
        Assert.False(timeout.LastSeen.Status.IsFinal());
        await Client.CancelAsync(accepted.Id, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Get_WithWait_ReturnsTheTaskNotFinalWhenTheWaitEndsFirst()
    {
        var accepted = await Client.SubmitAsync(TestJson.Sleep(3000), wait: TimeSpan.Zero);

        var seen = await Client.GetAsync(accepted.Id, TimeSpan.FromMilliseconds(200));

        Assert.Equal(TaskStatus.Running, seen.Status);
        await Client.CancelAsync(accepted.Id, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Submit_Timeout_TravelsAsADurationAndTheTaskTimesOut()
    {
        var task = await Client.SubmitAsync(TestJson.Sleep(10_000, timeout: TimeSpan.FromMilliseconds(700)), wait: TimeSpan.FromSeconds(20));

        Assert.Equal(TaskStatus.TimedOut, task.Status);
        Assert.Equal(ErrorCodes.TimedOut, task.Error!.Code);
        Assert.Equal(TimeSpan.FromMilliseconds(700), task.Deadline - task.Created);
    }

    [Fact]
    public async Task Submit_SameIdempotencyKey_ReturnsTheFirstTask()
    {
        var spec = TestJson.Echo("""{"n":1}""") with { IdempotencyKey = Guid.NewGuid().ToString("N") };

        var first = await Client.SubmitAsync(spec);
        var second = await Client.SubmitAsync(spec with { Payload = TestJson.Parse("""{"n":2}""") });

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, second.Result!.Value.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Submit_FailingHandler_ReturnsTheFailedTaskNotAnException()
    {
        var task = await Client.SubmitAsync(new TaskSpec("demo", "fail", TestJson.Parse("""{"message":"boom"}""")));

        Assert.Equal(TaskStatus.Failed, task.Status);
        Assert.Equal(new TaskError(ErrorCodes.HandlerFailed, "boom"), task.Error);
    }

    [Fact]
    public async Task Submit_UnknownTopic_ThrowsBadRequestWithTheServersCodeAndDetail()
    {
        var refused = await Assert.ThrowsAsync<StacklBadRequestException>(() => Client.SubmitAsync(new TaskSpec("demo", "nope", TestJson.Parse("{}"))));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(ErrorCodes.UnknownTopic, refused.Code);
        Assert.Contains("demo/echo", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_InvalidPayload_ThrowsBadRequestNamingTheField()
    {
        var refused = await Assert.ThrowsAsync<StacklBadRequestException>(() => Client.SubmitAsync(new TaskSpec("demo", "sleep", TestJson.Parse("""{"ms":"soon"}"""))));

        Assert.Equal(ErrorCodes.InvalidPayload, refused.Code);
        Assert.Contains("ms", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownOrMalformedId_ThrowsNotFound()
    {
        var unknown = await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.GetAsync("01m8cx7vay7edd9zm49tvcsjk7"));
        var malformed = await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.WaitAsync("nope"));

        Assert.Equal(ErrorCodes.NotFound, unknown.Code);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("is not a task id", malformed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_RunningTask_EndsCancelledAndReleasesItsLock()
    {
        var key = TestJson.UniqueKey("lock");
        var accepted = await Client.SubmitAsync(TestJson.Sleep(20_000, [key]), wait: TimeSpan.Zero);
        await WaitForLockAsync(key, accepted.Id);

        var cancelled = await Client.CancelAsync(accepted.Id, TimeSpan.FromSeconds(10));
        var locks = await Client.ListLocksAsync(limit: 500);

        Assert.Equal(TaskStatus.Cancelled, cancelled.Status);
        Assert.Equal(ErrorCodes.Cancelled, cancelled.Error!.Code);
        Assert.DoesNotContain(locks, l => l.Key == key);
    }

    [Fact]
    public async Task Cancel_FinalTask_ThrowsConflictTaskFinal()
    {
        var done = await Client.SubmitAsync(TestJson.Echo("{}"));

        var conflict = await Assert.ThrowsAsync<StacklConflictException>(() => Client.CancelAsync(done.Id));

        Assert.Equal("task_final", conflict.Code);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    [Fact]
    public async Task Watch_SleepTask_StreamsItsTransitionsAndEndsAtTheFinalStatus()
    {
        var accepted = await Client.SubmitAsync(TestJson.Sleep(800), wait: TimeSpan.Zero);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var events = new List<TaskEvent>();
        await foreach (var taskEvent in Client.WatchAsync(accepted.Id, timeout.Token))
        {
            events.Add(taskEvent);
        }

        Assert.All(events, e => Assert.Equal(accepted.Id, e.TaskId));
        Assert.Equal(TaskStatus.Completed, events[^1].Status);
        Assert.Equal(TaskEvent.StatusKind, events[^1].Kind);
        Assert.NotNull(events[^1].DurationMs);
        Assert.Equal(1, events.Count(e => e.Status.IsFinal()));
    }

    [Fact]
    public async Task Watch_FinalTask_YieldsItsStoredLogThenItsFinalStatus()
    {
        var done = await Client.SubmitAsync(TestJson.Echo("{}"));

        var events = new List<TaskEvent>();
        await foreach (var taskEvent in Client.WatchAsync(done.Id))
        {
            events.Add(taskEvent);
        }

        Assert.Equal([(TaskEvent.LogKind, "echo"), (TaskEvent.StatusKind, null)], events.Select(e => (e.Kind, e.Kind == TaskEvent.LogKind ? e.Message : null)));
        Assert.Equal(TaskStatus.Completed, events[^1].Status);
    }

    [Fact]
    public async Task Watch_UnknownTask_ThrowsNotFoundBeforeTheFirstEvent()
    {
        await Assert.ThrowsAsync<StacklNotFoundException>(async () =>
        {
            await foreach (var _ in Client.WatchAsync("01m8cx7vay7edd9zm49tvcsjk7"))
            {
            }
        });
    }

    [Fact]
    public async Task ListTasks_FilteredAndPaged_FindsTheSubmittedTasks()
    {
        var first = await Client.SubmitAsync(new TaskSpec("demo", "fail", TestJson.Parse("""{"message":"one"}""")));
        var second = await Client.SubmitAsync(new TaskSpec("demo", "fail", TestJson.Parse("""{"message":"two"}""")));

        var page = await Client.ListTasksAsync(TaskStatus.Failed, "demo", limit: 1);
        var next = await Client.ListTasksAsync(TaskStatus.Failed, "demo", after: page.Next, limit: 1);
        var all = await Client.ListTasksAsync(TaskStatus.Failed, "demo", limit: 500);

        Assert.Single(page.Items);
        Assert.NotNull(page.Next);
        Assert.Single(next.Items);
        Assert.True(string.CompareOrdinal(next.Items[0].Id, page.Items[0].Id) < 0, "Pages run newest first.");
        Assert.Contains(all.Items, t => t.Id == first.Id);
        Assert.Contains(all.Items, t => t.Id == second.Id);
        Assert.All(all.Items, t => Assert.Equal(TaskStatus.Failed, t.Status));
    }

    [Fact]
    public async Task Documents_PutPatchDelete_EachWriteIsAVersionInTheHistory()
    {
        var key = TestJson.UniqueKey("environment");

        var put = await Client.PutDocumentAsync(key, TestJson.Parse("""{"replicas":2,"debug":true}"""));
        var patch = await Client.PatchDocumentAsync(key, TestJson.Parse("""{"replicas":3,"debug":null}"""));
        var current = await Client.GetDocumentAsync(key);
        var delete = await Client.DeleteDocumentAsync(key);
        var deleted = await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.GetDocumentAsync(key));
        var history = await Client.GetHistoryAsync(key);
        var first = await Client.GetDocumentVersionAsync(key, 1);

        Assert.All([put, patch, delete], t => Assert.Equal(TaskStatus.Completed, t.Status));
        Assert.Equal(2, current.Version);
        Assert.Equal("""{"replicas":3}""", current.Value!.Value.GetRawText());
        Assert.Contains("deleted at version 3", deleted.Detail, StringComparison.Ordinal);
        Assert.Equal([3L, 2L, 1L], history.Items.Select(h => h.Version));
        Assert.Equal([delete.Id, patch.Id, put.Id], history.Items.Select(h => h.TaskId));
        Assert.Null(history.Items[0].Value);
        Assert.Equal(2, first.Value!.Value.GetProperty("replicas").GetInt32());
    }

    [Fact]
    public async Task Documents_Transaction_CommitsBothDocumentsOrNeither()
    {
        var from = TestJson.UniqueKey("account");
        var to = TestJson.UniqueKey("account");
        await Client.PutDocumentAsync(from, TestJson.Parse("""{"balance":100}"""));
        await Client.PutDocumentAsync(to, TestJson.Parse("""{"balance":0}"""));

        var moved = await Client.SubmitAsync(TestJson.Transfer(from, to, 60));
        var refused = await Client.SubmitAsync(TestJson.Transfer(from, to, 60));

        Assert.Equal(TaskStatus.Completed, moved.Status);
        Assert.Equal(TaskStatus.Failed, refused.Status);
        Assert.Equal(ErrorCodes.AssertFailed, refused.Error!.Code);
        Assert.Equal(40, TestJson.Balance(await Client.GetDocumentAsync(from)));
        Assert.Equal(60, TestJson.Balance(await Client.GetDocumentAsync(to)));
    }

    [Fact]
    public async Task GetDocument_NeverWritten_ThrowsNotFound_AndAMissingVersionToo()
    {
        var key = TestJson.UniqueKey("missing");

        var document = await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.GetDocumentAsync(key));
        var version = await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.GetDocumentVersionAsync(key, 1));

        Assert.Contains("does not exist", document.Detail, StringComparison.Ordinal);
        Assert.Contains("no version 1", version.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutDocument_InvalidKey_ThrowsBadRequestInvalidDocumentKey()
    {
        var refused = await Assert.ThrowsAsync<StacklBadRequestException>(() => Client.PutDocumentAsync("Environment/Prod", TestJson.Parse("{}")));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(ErrorCodes.InvalidDocumentKey, refused.Code);
    }

    [Fact]
    public async Task ListDocuments_ByPrefix_ListsOnlyThatTypeInKeyOrder()
    {
        var type = $"list{Guid.NewGuid():N}";
        foreach (var name in new[] { "b", "a", "c" })
        {
            await Client.PutDocumentAsync($"{type}/{name}", TestJson.Parse("""{"n":1}"""));
        }

        var page = await Client.ListDocumentsAsync($"{type}/", limit: 2);
        var rest = await Client.ListDocumentsAsync($"{type}/", after: page.Next);

        Assert.Equal([$"{type}/a", $"{type}/b"], page.Items.Select(d => d.Key));
        Assert.Equal([$"{type}/c"], rest.Items.Select(d => d.Key));
        Assert.Null(rest.Next);
    }

    [Fact]
    public async Task Cluster_ListsTheAnsweringSiloAndTaskCounts()
    {
        await Client.SubmitAsync(TestJson.Echo("{}"));

        var cluster = await Client.GetClusterAsync();

        Assert.Contains(cluster.Silos, s => s.Name == cluster.Self && s.Activations is not null);
        Assert.True(cluster.Tasks[nameof(TaskStatus.Completed)] >= 1, $"Expected at least one Completed task in {string.Join(", ", cluster.Tasks)}.");
    }

    private async Task WaitForLockAsync(string key, string owner) =>
        await Stackl.Testing.Eventually.ValueAsync(
            $"task {owner} holds the lock on {key}",
            () => Client.ListLocksAsync(limit: 500),
            locks => locks.Any(l => l.Key == key && l.Owner == owner),
            TimeSpan.FromSeconds(20));

    [Fact]
    public async Task Schedule_PutGetListTriggerPauseResumeDelete_RoundTrips()
    {
        var name = UniqueScheduleName("sdk");
        var task = new TaskSpec("demo", "echo", TestJson.Parse("""{"from": "schedule"}"""), Timeout: TimeSpan.FromSeconds(20));

        var created = await Client.PutScheduleAsync(name, new ScheduleSpec("0 0 3 * * *", task, "Europe/Paris", ScheduleOverlap.Queue, ScheduleCatchUp.All));
        var read = await Client.GetScheduleAsync(name);
        var listed = await ListAllAsync(Client);
        var run = await Client.TriggerScheduleAsync(name);
        var final = await Client.WaitAsync(run.Id, TimeSpan.FromSeconds(30));
        var paused = await Client.PauseScheduleAsync(name);
        var resumed = await Client.ResumeScheduleAsync(name);
        await Client.DeleteScheduleAsync(name);

        Assert.Equal((name, "0 0 3 * * *", "Europe/Paris", ScheduleOverlap.Queue, ScheduleCatchUp.All, true), (created.Name, created.Cron, created.TimeZone, created.Overlap, created.CatchUp, created.Enabled));
        Assert.Equal((TimeSpan?)TimeSpan.FromSeconds(20), read.Task.Timeout);
        Assert.Equal("schedule", read.Task.Payload.GetProperty("from").GetString());
        Assert.Equal(created.NextDue, read.NextDue);
        Assert.Contains(listed, s => s.Name == name);
        Assert.Equal(($"schedule/{name}", TaskStatus.Completed), (final.Source, final.Status));
        Assert.Equal("schedule", final.Result!.Value.GetProperty("from").GetString());
        Assert.Equal((false, 1L, run.Id, (DateTimeOffset?)null), (paused.Enabled, paused.Runs, paused.LastTaskId, paused.NextDue));
        Assert.True(resumed.Enabled);
        Assert.NotNull(resumed.NextDue);
        var gone = await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.GetScheduleAsync(name));
        Assert.Contains(name, gone.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.DeleteScheduleAsync(name));
    }

    [Fact]
    public async Task Put_BadCron_Throws422InvalidSchedule_AndStoresNothing()
    {
        var name = UniqueScheduleName("bad");

        var refused = await Assert.ThrowsAsync<StacklBadRequestException>(() => Client.PutScheduleAsync(name, new ScheduleSpec("every day", TestJson.Echo("{}"))));

        Assert.Equal((422, ErrorCodes.InvalidSchedule), ((int)refused.StatusCode, refused.Code));
        Assert.Contains("cron 'every day'", refused.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.GetScheduleAsync(name));
    }

    [Fact]
    public async Task Put_TaskTheServerRefuses_Throws422WithTheTasksCode()
    {

        var refused = await Assert.ThrowsAsync<StacklBadRequestException>(() => Client.PutScheduleAsync(UniqueScheduleName("bad"), new ScheduleSpec("* * * * *", new TaskSpec("demo", "nope", TestJson.Parse("{}")))));

        Assert.Equal((422, ErrorCodes.UnknownTopic), ((int)refused.StatusCode, refused.Code));
        Assert.StartsWith("task: ", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EverySecond_StartsRuns_UntilPaused()
    {
        var name = UniqueScheduleName("tick");
        await Client.PutScheduleAsync(name, new ScheduleSpec("* * * * * *", TestJson.Echo("""{"tick": true}"""), Overlap: ScheduleOverlap.Allow, CatchUp: ScheduleCatchUp.None));
        try
        {
            var ticking = await Eventually.ValueAsync(
                $"schedule {name} has started 2 runs",
                () => Client.GetScheduleAsync(name),
                s => s.Runs >= 2,
                TimeSpan.FromSeconds(20));
            var paused = await Client.PauseScheduleAsync(name);
            var lastRun = await Client.WaitAsync(paused.LastTaskId!, TimeSpan.FromSeconds(30));

            Assert.True(paused.Runs >= 2, $"runs {paused.Runs}");
            Assert.Equal(($"schedule/{name}", TaskStatus.Completed), (lastRun.Source, lastRun.Status));
            Assert.True(ticking.LastDue <= paused.LastDue);
        }
        finally
        {
            await Client.DeleteScheduleAsync(name);
        }
    }

    [Fact]
    public async Task ChainRule_PutGetList_FiresAFollowUp_ThenDeletes()
    {
        var name = $"sdk-{Guid.NewGuid():N}";
        var marker = Guid.NewGuid().ToString("N");
        var rule = new ChainRuleSpec(
            new ChainTrigger("demo", "echo", [TaskStatus.Completed]),
            new TaskSpec("demo", "sleep", TestJson.Parse($$"""{"ms": 1, "marker": "{{marker}}"}"""), Timeout: TimeSpan.FromSeconds(20)));

        var created = await Client.PutChainRuleAsync(name, rule);
        try
        {
            var read = await Client.GetChainRuleAsync(name);
            var listed = await Client.ListChainRulesAsync();
            var parent = await Client.SubmitAsync(TestJson.Echo("""{"chained": true}"""), wait: TimeSpan.FromSeconds(30));
            var followUp = await Eventually.ValueAsync(
                $"chain rule {name} has started a follow-up of task {parent.Id}",
                async () => (await Client.ListTasksAsync(topic: "demo", limit: 200)).Items.FirstOrDefault(t => t.Source == $"chain/{name}"),
                t => t is not null,
                TimeSpan.FromSeconds(30));

            Assert.Equal((name, "demo", "echo", "demo", "sleep"), (created.Name, created.When.Topic, created.When.Subtype, created.Then.Topic, created.Then.Subtype));
            Assert.Equal([TaskStatus.Completed], read.When.Status);
            Assert.Equal(marker, read.Then.Payload.GetProperty("marker").GetString());
            Assert.Equal((TimeSpan?)TimeSpan.FromSeconds(20), read.Then.Timeout);
            Assert.Contains(listed, r => r.Name == name);
            Assert.Equal(TaskStatus.Completed, parent.Status);
            Assert.Equal(("demo", "sleep", marker), (followUp!.Topic, followUp.Subtype, followUp.Payload.GetProperty("marker").GetString()));
            Assert.Equal(parent.Id, followUp.Payload.GetProperty("parent").GetProperty("id").GetString());
        }
        finally
        {
            await Client.DeleteChainRuleAsync(name);
        }

        var gone = await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.GetChainRuleAsync(name));
        Assert.Equal(404, (int)gone.StatusCode);
        Assert.DoesNotContain(await Client.ListChainRulesAsync(), r => r.Name == name);
        await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.DeleteChainRuleAsync(name));
    }

    [Fact]
    public async Task ChainRule_Invalid_Throws422InvalidChain_AndStoresNothing()
    {
        var name = $"bad-{Guid.NewGuid():N}";

        var refused = await Assert.ThrowsAsync<StacklBadRequestException>(() => Client.PutChainRuleAsync(name,
            new ChainRuleSpec(new ChainTrigger("demo", "echo", [TaskStatus.Running]), TestJson.Echo("{}"))));
        var unknownHandler = await Assert.ThrowsAsync<StacklBadRequestException>(() => Client.PutChainRuleAsync(name,
            new ChainRuleSpec(new ChainTrigger("demo"), new TaskSpec("demo", "nope", TestJson.Parse("{}")))));

        Assert.Equal((422, ErrorCodes.InvalidChain), ((int)refused.StatusCode, refused.Code));
        Assert.Contains("when.status lists Running", refused.Detail, StringComparison.Ordinal);
        Assert.Equal((422, ErrorCodes.UnknownTopic), ((int)unknownHandler.StatusCode, unknownHandler.Code));
        Assert.StartsWith("then: ", unknownHandler.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StacklNotFoundException>(() => Client.GetChainRuleAsync(name));
    }

    private static async Task<List<ScheduleView>> ListAllAsync(IStacklClient client)
    {
        var all = new List<ScheduleView>();
        string? after = null;
        do
        {
            var page = await client.ListSchedulesAsync(after, limit: 2);
            Assert.True(page.Items.Count <= 2);
            all.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        return all;
    }

    /// <summary>A schedule name no other test uses: the in-process silo is shared.</summary>
    private static string UniqueScheduleName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
