using Stackl.Contracts;

namespace Stackl.Tasks.Tests.Laws;

/// <summary>
/// Law 1, atomicity: the silo is killed at every fault point of a task's walk and restarted on the same database; the task must
/// end final with all of its writes committed or none. Subclassed once per engine.
/// </summary>
public abstract class AtomicityLawTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    [Theory]
    [InlineData(FaultPoint.AfterLock, TaskStatus.Failed)]
    [InlineData(FaultPoint.AfterStaging, TaskStatus.Failed)]
    [InlineData(FaultPoint.AfterDecision, TaskStatus.Completed)]
    [InlineData(FaultPoint.BetweenCommits, TaskStatus.Completed)]
    public async Task TwoPhaseTransfer_SiloKilledAtFaultPoint_AllOrNothingAfterRestart(FaultPoint point, TaskStatus expected)
    {
        await PutAsync("account/a", """{"balance":100}""");
        await PutAsync("account/b", """{"balance":0}""");

        var id = await SubmitAndKillAtAsync(point, Spec("document", "transaction", TransferSpecs.TenFromAToB));
        await Host.RestartAsync();
        var task = await FinalAsync(id);

        AssertStatus(expected, task);
        var (a, b) = (await ValueAsync("account/a"), await ValueAsync("account/b"));
        var committed = expected == TaskStatus.Completed;
        Assert.Equal(committed ? """{"balance":90}""" : """{"balance":100}""", a);
        Assert.Equal(committed ? """{"balance":10}""" : """{"balance":0}""", b);
        if (!committed)
        {
            Assert.Equal(ErrorCodes.SiloLost, task.Error!.Code);
        }

        await NoLocksAsync();
    }

    [Theory]
    [InlineData(FaultPoint.AfterLock, TaskStatus.Failed)]
    [InlineData(FaultPoint.AfterStaging, TaskStatus.Failed)]
    [InlineData(FaultPoint.AfterDecision, TaskStatus.Completed)]
    public async Task OnePhasePut_SiloKilledAtFaultPoint_AllOrNothingAfterRestart(FaultPoint point, TaskStatus expected)
    {
        await PutAsync("config/app", """{"v":1}""");

        var id = await SubmitAndKillAtAsync(point, Spec("document", "put", """{"key":"config/app","value":{"v":2}}"""));
        await Host.RestartAsync();
        var task = await FinalAsync(id);

        AssertStatus(expected, task);
        var document = await Tasks.GetDocumentAsync("config/app");
        var committed = expected == TaskStatus.Completed;
        Assert.Equal(committed ? (2L, """{"v":2}""") : (1L, """{"v":1}"""), (document.Version, document.Value!.Value.GetRawText()));
        Assert.Equal(committed ? 2 : 1, (await Documents.HistoryAsync("config/app", null, 10)).Count);
        await NoLocksAsync();
    }

    [Fact]
    public async Task Rollback_SiloKilledBeforeReverts_RunsThemAfterRestart()
    {
        var id = await SubmitAndKillAtAsync(FaultPoint.DuringRevert, Spec("test", "effects", """{"effects":["a","b"],"fail":true}"""));
        await Host.RestartAsync();
        var task = await FinalAsync(id);

        AssertStatus(TaskStatus.Failed, task);
        Assert.Equal(["do a", "do b", "undo b", "undo a"], Journal.Entries);
    }

    [Fact]
    public async Task Completed_SurvivesKillOfTheSilo()
    {
        var put = await PutAsync("config/durable", """{"kept":true}""");

        await RestartAsync();

        AssertStatus(TaskStatus.Completed, (await Tasks.GetAsync(put.Id))!);
        Assert.Equal("""{"kept":true}""", await ValueAsync("config/durable"));
    }

    [Fact]
    public async Task TwoPhaseTransfer_DecisionWrittenButItsAnswerLost_CommitsEverything()
    {
        await PutAsync("account/a", """{"balance":100}""");
        await PutAsync("account/b", """{"balance":0}""");
        Faults.Arm(FaultPoint.DecisionAnswerLost, _ => throw new TimeoutException("the decision's answer was lost"));

        var task = await RunAsync(Spec("document", "transaction", TransferSpecs.TenFromAToB));

        AssertStatus(TaskStatus.Completed, task);
        Assert.Equal(("""{"balance":90}""", """{"balance":10}"""), (await ValueAsync("account/a"), await ValueAsync("account/b")));
        await NoLocksAsync();
    }

    [Fact]
    public async Task OnePhasePut_DocumentCommittedButItsAnswerLost_EndsCompletedNotRolledBack()
    {
        await PutAsync("config/app", """{"v":1}""");
        Faults.Arm(FaultPoint.OnePhaseAnswerLost, _ => throw new TimeoutException("the commit's answer was lost"));

        var task = await RunAsync(Spec("document", "put", """{"key":"config/app","value":{"v":2}}"""));

        AssertStatus(TaskStatus.Completed, task);
        Assert.Equal("""{"v":2}""", await ValueAsync("config/app"));
        await NoLocksAsync();
    }
}

public sealed class AtomicityLawTestsOnSqlite() : AtomicityLawTests(new SqliteUnderTest());

public sealed class AtomicityLawTestsOnPostgres() : AtomicityLawTests(new PostgresUnderTest());
