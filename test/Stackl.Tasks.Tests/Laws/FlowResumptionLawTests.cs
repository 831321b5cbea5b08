using Stackl.Contracts;

namespace Stackl.Tasks.Tests.Laws;

/// <summary>
/// Flows and the laws: the silo is killed at every resumption point of a flow (between steps, during a step, while a retry waits,
/// between two reverts, around the flow's commit) and restarted on the same database. The flow goes on from its last stored
/// point, re-running at most the step that was running, and ends all done or all undone. Subclassed once per engine.
/// </summary>
public abstract class FlowResumptionLawTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    // Three steps, each with a revert; b and c write documents the flow commits at its end.
    private const string ThreeSteps = """
        {"linear": [
          {"step": "a", "handler": "test/step", "input": {"name": "a"}, "provides": "a", "revert": "test/unstep"},
          {"step": "b", "handler": "test/step", "input": {"name": "b", "set": {"env/b": {"from": "b"}}}, "revert": "test/unstep"},
          {"step": "c", "handler": "test/step", "input": {"name": "c", "set": {"env/c": {"from": "c"}}}, "requires": ["a"], "documents": ["env/c"], "revert": "test/unstep"}
        ]}
        """;

    private static TaskSpec Flow(string json) => Spec("flow", "run", json, TimeSpan.FromSeconds(30));

    [Theory]
    [InlineData(FaultPoint.BetweenSteps, 1)]
    [InlineData(FaultPoint.DuringStep, 2)]
    [InlineData(FaultPoint.AfterLock, 1)]
    [InlineData(FaultPoint.AfterStaging, 1)]
    [InlineData(FaultPoint.AfterDecision, 1)]
    [InlineData(FaultPoint.BetweenCommits, 1)]
    public async Task SiloKilled_FlowResumesFromItsLastStoredPoint_AndCompletesOnce(FaultPoint point, int runsOfA)
    {
        var id = await SubmitAndKillAtAsync(point, Flow(ThreeSteps));
        await Host.RestartAsync();
        var flow = await FinalAsync(id);

        AssertStatus(TaskStatus.Completed, flow);
        Assert.All(flow.Steps!, s => Assert.Equal(StepStatus.Completed, s.Status));
        Assert.Equal("""{"from":"b"}""", await ValueAsync("env/b"));
        Assert.Equal("""{"from":"c"}""", await ValueAsync("env/c"));

        // Completed steps are never repeated; only the one whose completion was not stored runs again.
        Assert.Equal(runsOfA, Journal.Entries.Count(e => e == "do a"));
        Assert.Equal(1, Journal.Entries.Count(e => e == "do b"));
        Assert.Equal(1, Journal.Entries.Count(e => e == "do c"));
        Assert.DoesNotContain(Journal.Entries, e => e.StartsWith("undo", StringComparison.Ordinal));
        await NoLocksAsync();
    }

    [Fact]
    public async Task SiloKilledWhileAStepRuns_TheStepRunsAgainOnRestart_AndTheFlowCompletes()
    {
        var submitted = await Tasks.SubmitAsync(Flow("""
            {"linear": [
              {"step": "a", "handler": "test/step", "input": {"name": "a"}},
              {"step": "slow", "handler": "test/step", "input": {"name": "slow", "gate": "slow"}},
              {"step": "c", "handler": "test/step", "input": {"name": "c"}}
            ]}
            """));
        await Gates.WaitEnteredAsync("slow");
        Gates.Release("slow");
        await RestartAsync();

        var flow = await FinalAsync(submitted.Id);

        AssertStatus(TaskStatus.Completed, flow);
        Assert.Equal(1, Journal.Entries.Count(e => e == "do a"));
        Assert.InRange(Journal.Entries.Count(e => e == "do slow"), 1, 2);
        Assert.Contains(flow.Logs, l => l.Message.StartsWith("Resumed on silo", StringComparison.Ordinal));
        Assert.Equal(2, flow.Attempt);
    }

    [Fact]
    public async Task SiloKilledWhileARetryWaits_TheFailedAttemptIsNotRepeated()
    {
        var id = await SubmitAndKillAtAsync(FaultPoint.BeforeRetry, Flow("""
            {"step": "flaky", "handler": "test/step", "input": {"name": "flaky", "failTimes": 1}, "retry": {"attempts": 3, "backoff": "fixed", "initial": "300ms"}}
            """));
        await Host.RestartAsync();
        var flow = await FinalAsync(id);

        AssertStatus(TaskStatus.Completed, flow);
        var step = Assert.Single(flow.Steps!);
        Assert.Equal(2, step.Attempt);
        Assert.Equal(["do flaky", "do flaky"], Journal.Entries);
        Assert.Contains(step.Logs, l => l.Message.Contains("attempt 2 in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SiloKilledBetweenTwoReverts_TheRollbackGoesOnWithTheOlderOnes()
    {
        var id = await SubmitAndKillAtAsync(FaultPoint.BetweenReverts, Flow(ThreeSteps.Replace("""{"name": "c", """, """{"name": "c", "fail": "always", """, StringComparison.Ordinal)));
        await Host.RestartAsync();
        var flow = await FinalAsync(id);

        AssertStatus(TaskStatus.Failed, flow);
        Assert.Equal(ErrorCodes.StepFailed, flow.Error!.Code);

        // The revert of b is stored as done, so it never runs again; a may run twice (the killed silo, cut off from the database
        // but not yet gone, can start it too), which is why reverts must be idempotent.
        var entries = Journal.Entries;
        Assert.Equal(["do a", "do b", "do c", "undo b", "undo a"], entries.Take(5));
        Assert.All(entries.Skip(5), e => Assert.Equal("undo a", e));
        var steps = flow.Steps!.ToDictionary(s => s.Name);
        Assert.Equal((1, 2), (steps["b"].RevertOrder, steps["a"].RevertOrder));
        Assert.Null(await ValueAsync("env/b"));
        await NoLocksAsync();
    }

    [Fact]
    public async Task SiloKilledWhileASubflowStartsOver_ItStartsOverOnRestart_AndCompletes()
    {
        var id = await SubmitAndKillAtAsync(FaultPoint.BeforeSubflowRetry, Flow("""
            {"linear": [
              {"step": "x", "handler": "test/step", "input": {"name": "x"}, "revert": "test/unstep"},
              {"step": "y", "handler": "test/step", "input": {"name": "y", "failTimes": 1}}
            ], "retry": {"attempts": 2, "backoff": "fixed", "initial": "10ms"}}
            """));
        await Host.RestartAsync();
        var flow = await FinalAsync(id);

        // The revert of x ran before the kill and again after it (reverts are idempotent); then the subflow ran once more.
        AssertStatus(TaskStatus.Completed, flow);
        Assert.Equal(["do x", "do y", "undo x", "undo x", "do x", "do y"], Journal.Entries);
    }

    [Fact]
    public async Task SiloKilledAfterAStepFailed_TheFlowRollsBackOnRestart()
    {
        // The failed step is stored before the flow's rollback starts; a kill in between must still end in the rollback.
        var id = await SubmitAndKillAtAsync(FaultPoint.DuringRevert, Flow(ThreeSteps.Replace("""{"name": "c", """, """{"name": "c", "fail": "always", """, StringComparison.Ordinal)));
        await Host.RestartAsync();
        var flow = await FinalAsync(id);

        AssertStatus(TaskStatus.Failed, flow);
        Assert.Equal(["do a", "do b", "do c", "undo b", "undo a"], Journal.Entries);
        await NoLocksAsync();
    }
}

public sealed class FlowResumptionLawTestsOnSqlite() : FlowResumptionLawTests(new SqliteUnderTest());

public sealed class FlowResumptionLawTestsOnPostgres() : FlowResumptionLawTests(new PostgresUnderTest());
