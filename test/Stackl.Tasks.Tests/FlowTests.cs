using Stackl.Contracts;

namespace Stackl.Tasks.Tests;

/// <summary>Flows: validation before anything is stored, steps in order and side by side, retries, reverts newest first, skipped branches.</summary>
public abstract class FlowTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    // reserve → (vm1 ‖ vm2) → dns: each step journals "do name"; dns writes a document from what the steps before it provided.
    private const string Environment = """
        {"linear": [
          {"step": "reserve", "handler": "test/step", "input": {"name": "reserve"}, "provides": "network", "revert": "test/unstep"},
          {"unordered": [
            {"step": "vm1", "handler": "test/step", "input": {"name": "vm1"}, "requires": ["network"], "provides": "vm1", "revert": "test/unstep"},
            {"step": "vm2", "handler": "test/step", "input": {"name": "vm2"}, "requires": ["network"], "provides": "vm2", "revert": "test/unstep"}
          ], "maxParallel": 2},
          {"step": "dns", "handler": "test/step", "input": {"name": "dns", "set": {"dns/env": {"vms": 2}}}, "requires": ["vm1", "vm2"], "documents": ["dns/env"], "revert": "test/unstep"}
        ]}
        """;

    protected static TaskSpec Flow(string json, TimeSpan? timeout = null) => Spec("flow", "run", json, timeout);

    [Fact]
    public async Task LinearAndUnordered_AllStepsComplete_ValuesFlowAndTheDocumentCommits()
    {
        var flow = await RunAsync(Flow(Environment));

        AssertStatus(TaskStatus.Completed, flow);
        Assert.Equal(["dns/env"], flow.Documents);
        Assert.Equal("""{"vms":2}""", await ValueAsync("dns/env"));
        var steps = flow.Steps!;
        Assert.Equal(["reserve", "vm1", "vm2", "dns"], steps.Select(s => s.Name));
        Assert.All(steps, s => Assert.Equal(StepStatus.Completed, s.Status));
        Assert.Equal($"{flow.Id}/dns", steps[3].Id);
        Assert.Equal(["vm1", "vm2"], steps[3].After);
        Assert.Equal("linear[1].unordered[0]", steps[1].Path.Replace("flow.", "", StringComparison.Ordinal));

        // Each step got what the steps before it provided, and the flow's result is every provided value.
        var dnsInput = steps[3].Result!.Value.GetProperty("input");
        Assert.Equal("vm1", dnsInput.GetProperty("vm1").GetProperty("name").GetString());
        Assert.Equal("reserve", dnsInput.GetProperty("vm1").GetProperty("input").GetProperty("network").GetProperty("name").GetString());
        Assert.Equal(["network", "vm1", "vm2"], flow.Result!.Value.EnumerateObject().Select(p => p.Name));
        Assert.Equal("do reserve", Journal.Entries[0]);
        Assert.Equal("do dns", Journal.Entries[^1]);
        await NoLocksAsync();
    }

    [Fact]
    public async Task LastStepFails_CompletedStepsRevertNewestFirst_AndNoDocumentChanges()
    {
        var flow = await RunAsync(Flow(Environment.Replace("""{"name": "dns", """, """{"name": "dns", "fail": "always", """, StringComparison.Ordinal)));

        AssertStatus(TaskStatus.Failed, flow);
        Assert.Equal(ErrorCodes.StepFailed, flow.Error!.Code);
        Assert.Contains("Step 'dns' (test/step) failed after 1 attempt", flow.Error.Message, StringComparison.Ordinal);
        Assert.Null(await ValueAsync("dns/env"));

        // vm1 and vm2 ran side by side, so either completed first; the reverts run in the reverse of the completion order.
        var steps = flow.Steps!.ToDictionary(s => s.Name);
        Assert.Equal(StepStatus.Failed, steps["dns"].Status);
        var reverted = flow.Steps!.Where(s => s.Status == StepStatus.Reverted).OrderBy(s => s.RevertOrder).Select(s => s.Name).ToList();
        Assert.Equal(3, reverted.Count);
        Assert.Equal("reserve", reverted[^1]);
        var undone = Journal.Entries.Where(e => e.StartsWith("undo", StringComparison.Ordinal)).ToList();
        Assert.Equal(reverted.Select(n => $"undo {n}"), undone);
        // The journal says when each step started; its finish time says when it completed: the first reverted finished last.
        var finished = flow.Steps!.Where(s => s.Status == StepStatus.Reverted).OrderBy(s => s.RevertOrder).Select(s => s.Finished!.Value).ToList();
        Assert.True(finished.Zip(finished.Skip(1)).All(pair => pair.First >= pair.Second), $"reverted in the order {string.Join(", ", reverted)}, finished at {string.Join(", ", finished.Select(f => f.ToString("O")))}");
        await NoLocksAsync();
    }

    [Fact]
    public async Task StepsOfOneFlow_SeeEachOthersWrites_AndSideBySideWritersOfOneDocumentTakeTurns()
    {
        static string Increment(string name) =>
            $$$"""{"step": "{{{name}}}", "handler": "document/transaction", "input": {"ops": [{"op": "increment", "key": "account/a", "path": "/balance", "by": 1}]}}""";

        var increments = string.Join(", ", Enumerable.Range(1, 5).Select(i => Increment($"i{i}")));
        var flow = await RunAsync(Flow("""
            {"linear": [
              {"step": "open", "handler": "document/put", "input": {"key": "account/a", "value": {"balance": 100}}},
              {"unordered": [INCREMENTS], "maxParallel": 5}
            ]}
            """.Replace("INCREMENTS", increments, StringComparison.Ordinal)));

        AssertStatus(TaskStatus.Completed, flow);
        Assert.Equal(["account/a"], flow.Documents);
        Assert.Equal("""{"balance":105}""", await ValueAsync("account/a"));
        Assert.Single(await Documents.HistoryAsync("account/a", null, 10)); // six steps wrote it; the flow committed it once
        await NoLocksAsync();
    }

    [Fact]
    public async Task RetryableStep_RetriesByItsPolicy_EveryAttemptIsInItsTimeline()
    {
        var flow = await RunAsync(Flow("""
            {"step": "flaky", "handler": "test/step", "input": {"name": "flaky", "failTimes": 2},
             "retry": {"attempts": 3, "backoff": "exponential", "initial": "20ms", "max": "1s", "jitter": 0.2}}
            """));

        AssertStatus(TaskStatus.Completed, flow);
        var step = Assert.Single(flow.Steps!);
        Assert.Equal((StepStatus.Completed, 3), (step.Status, step.Attempt));
        Assert.Equal(3, step.Logs.Count(l => l.Message.Contains("started", StringComparison.Ordinal)));
        Assert.Equal(2, step.Logs.Count(l => l.Message.Contains("failed", StringComparison.Ordinal) && l.Message.Contains("; attempt", StringComparison.Ordinal)));
        Assert.Equal(["do flaky", "do flaky", "do flaky"], Journal.Entries);
    }

    [Fact]
    public async Task RetriesExhausted_OrErrorNotRetryable_TheFlowFails()
    {
        var exhausted = await RunAsync(Flow("""{"step": "flaky", "handler": "test/step", "input": {"name": "flaky", "failTimes": 5}, "retry": {"attempts": 2, "backoff": "fixed", "initial": "10ms"}}"""));
        var permanent = await RunAsync(Flow("""{"step": "broken", "handler": "test/step", "input": {"name": "broken", "fail": "always"}, "retry": {"attempts": 5, "backoff": "fixed", "initial": "10ms"}}"""));

        AssertStatus(TaskStatus.Failed, exhausted);
        Assert.Equal(2, exhausted.Steps![0].Attempt);
        Assert.Contains("failed after 2 attempts", exhausted.Error!.Message, StringComparison.Ordinal);
        AssertStatus(TaskStatus.Failed, permanent);
        Assert.Equal(1, permanent.Steps![0].Attempt);
    }

    [Fact]
    public async Task StepTimeout_IsRetriedOnlyWhenThePolicySaysSo()
    {
        var flow = await RunAsync(Flow("""
            {"linear": [
              {"step": "slow", "handler": "test/step", "input": {"name": "slow", "gate": "never"}, "timeout": "50ms", "retry": {"attempts": 2, "backoff": "fixed", "initial": "10ms", "timeouts": true}}
            ]}
            """));

        AssertStatus(TaskStatus.Failed, flow);
        var step = flow.Steps![0];
        Assert.Equal((StepStatus.Failed, 2, ErrorCodes.StepTimedOut), (step.Status, step.Attempt, step.Error!.Code));
    }

    [Fact]
    public async Task Graph_OrderFromRequirementsAndEdges_AFalseConditionSkipsItsBranch()
    {
        var flow = await RunAsync(Flow("""
            {"store": {"size": "small"},
             "graph": [
               {"step": "large", "handler": "test/step", "input": {"name": "large"}, "when": {"provided": "size", "equals": "large"}, "provides": "big"},
               {"step": "after-large", "handler": "test/step", "input": {"name": "after-large"}, "requires": ["big"]},
               {"step": "plan", "handler": "test/step", "input": {"name": "plan"}, "provides": "plan"},
               {"step": "build", "handler": "test/step", "input": {"name": "build"}, "requires": ["plan"]},
               {"step": "announce", "handler": "test/step", "input": {"name": "announce"}}
             ],
             "edges": [["build", "announce"]]}
            """));

        AssertStatus(TaskStatus.Completed, flow);
        var steps = flow.Steps!.ToDictionary(s => s.Name);
        Assert.Equal(StepStatus.Skipped, steps["large"].Status);
        Assert.Equal(StepStatus.Skipped, steps["after-large"].Status);
        Assert.Equal(["plan"], steps["build"].After);
        Assert.Equal(["build"], steps["announce"].After);
        Assert.Equal(["do plan", "do build", "do announce"], Journal.Entries);
    }

    [Theory]
    [InlineData("""{"step": "a", "handler": "test/step", "requires": ["nothing"], "input": {}}""", "Step 'a' requires 'nothing', which no step provides")]
    [InlineData("""{"graph": [{"step": "a", "handler": "test/step", "input": {"name": "a"}}, {"step": "b", "handler": "test/step", "input": {"name": "b"}}], "edges": [["a", "b"], ["b", "a"]]}""", "cycle")]
    [InlineData("""{"step": "a", "handler": "test/nothing"}""", "step 'a': No handler for topic 'test' and subtype 'nothing'")]
    [InlineData("""{"unordered": [{"step": "a", "handler": "test/step", "input": {"name": "a"}, "provides": "x"}, {"step": "b", "handler": "test/step", "input": {}, "requires": ["x"]}]}""", "does not run before it")]
    [InlineData("""{"linear": [{"step": "a", "handler": "test/step", "input": {"name": "a"}}, {"step": "a", "handler": "test/step", "input": {"name": "a"}}]}""", "Two steps are named 'a'")]
    [InlineData("""{"step": "a", "handler": "test/step", "retry": {"attempts": 0}}""", "retry.attempts must be an integer from 1")]
    [InlineData("""{"step": "a", "handler": "test/step", "input": {"name": "a"}, "tiemout": "5s"}""", "unknown field 'tiemout'")]
    [InlineData("""{"linear": []}""", "must be a non-empty array")]
    public async Task InvalidFlow_IsRefusedBeforeAnythingIsStored(string flow, string message)
    {
        var refused = await Assert.ThrowsAsync<TaskValidationException>(() => Tasks.SubmitAsync(Flow(flow)));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
        Assert.Empty(Journal.Entries);
        Assert.Empty(await TaskIndex.ListAsync(new Queries.TaskQuery(Topic: "flow")));
    }

    [Fact]
    public async Task Subflow_WithARetryPolicy_RevertsItsCompletedStepsAndRunsAgainAsAWhole()
    {
        var flow = await RunAsync(Flow("""
            {"linear": [
              {"step": "before", "handler": "test/step", "input": {"name": "before"}, "revert": "test/unstep"},
              {"linear": [
                {"step": "x", "handler": "test/step", "input": {"name": "x", "set": {"env/x": {"run": 1}}}, "revert": "test/unstep"},
                {"step": "y", "handler": "test/step", "input": {"name": "y", "failTimes": 1}, "revert": "test/unstep"}
              ], "name": "pair", "retry": {"attempts": 2, "backoff": "fixed", "initial": "10ms"}}
            ]}
            """));

        AssertStatus(TaskStatus.Completed, flow);
        Assert.Equal(["do before", "do x", "do y", "undo x", "do x", "do y"], Journal.Entries);
        Assert.All(flow.Steps!, s => Assert.Equal((StepStatus.Completed, 1), (s.Status, s.Attempt)));
        Assert.Contains(flow.Logs, l => l.Message.Contains("subflow 'pair': step 'y' failed", StringComparison.Ordinal));
        Assert.Equal("""{"run":1}""", await ValueAsync("env/x"));
    }

    [Fact]
    public async Task Subflow_OutOfRuns_TheFailureReachesTheFlow_WhichRollsBackEverything()
    {
        var flow = await RunAsync(Flow("""
            {"linear": [
              {"step": "before", "handler": "test/step", "input": {"name": "before"}, "revert": "test/unstep"},
              {"unordered": [
                {"step": "x", "handler": "test/step", "input": {"name": "x"}, "revert": "test/unstep"},
                {"step": "y", "handler": "test/step", "input": {"name": "y", "fail": "always"}}
              ], "maxParallel": 1, "retry": {"attempts": 2, "backoff": "fixed", "initial": "10ms"}}
            ]}
            """));

        AssertStatus(TaskStatus.Failed, flow);
        Assert.Equal(ErrorCodes.StepFailed, flow.Error!.Code);
        Assert.Equal(2, Journal.Entries.Count(e => e == "do y"));
        Assert.Equal(Journal.Entries.Count(e => e == "do x"), Journal.Entries.Count(e => e == "undo x"));
        Assert.Equal("undo before", Journal.Entries[^1]);
    }

    [Fact]
    public async Task RevertFails_TheFlowEndsRollbackFailed_ListingTheStepsNotUndone()
    {
        var flow = await RunAsync(Flow("""
            {"linear": [
              {"step": "one", "handler": "test/step", "input": {"name": "one"}, "revert": "test/unstep"},
              {"step": "two", "handler": "test/step", "input": {"name": "two", "failRevert": true}, "revert": "test/unstep"},
              {"step": "three", "handler": "test/step", "input": {"name": "three"}, "revert": "test/unstep"},
              {"step": "four", "handler": "test/step", "input": {"name": "four", "fail": "always"}}
            ]}
            """));

        AssertStatus(TaskStatus.RollbackFailed, flow);
        Assert.Contains("The revert of step 'two' failed", flow.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("Steps not undone: two, one", flow.Error.Message, StringComparison.Ordinal);
        var steps = flow.Steps!.ToDictionary(s => s.Name);
        Assert.True(
            (StepStatus.Reverted, StepStatus.RevertFailed, StepStatus.Completed) == (steps["three"].Status, steps["two"].Status, steps["one"].Status),
            await DescribeAsync(flow));
        Assert.Equal(["do one", "do two", "do three", "do four", "undo three"], Journal.Entries);
    }

    [Fact]
    public async Task Cancel_StopsTheRunningStep_AndRevertsTheCompletedOnes()
    {
        var submitted = await Tasks.SubmitAsync(Flow("""
            {"linear": [
              {"step": "one", "handler": "test/step", "input": {"name": "one"}, "revert": "test/unstep"},
              {"step": "two", "handler": "test/step", "input": {"name": "two", "gate": "two"}, "revert": "test/unstep"}
            ]}
            """));
        await Gates.WaitEnteredAsync("two");

        await Tasks.CancelAsync(submitted.Id);
        var flow = await FinalAsync(submitted.Id);

        AssertStatus(TaskStatus.Cancelled, flow);
        Assert.Equal((StepStatus.Reverted, StepStatus.Cancelled), (flow.Steps![0].Status, flow.Steps[1].Status));
        Assert.Equal(["do one", "do two", "undo one"], Journal.Entries);
    }
}

public sealed class FlowTestsOnSqlite() : FlowTests(new SqliteUnderTest());

public sealed class FlowTestsOnPostgres() : FlowTests(new PostgresUnderTest());
