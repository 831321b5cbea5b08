using Stackl.Contracts;

namespace Stackl.Tasks.Tests.Laws;

/// <summary>Law 3, progress: no lock outlives its task's deadline plus the failure-detection time. Subclassed once per engine.</summary>
public abstract class ProgressLawTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    [Fact]
    public async Task SiloKilledWhileTaskHoldsLocks_TaskRollsBackAndLocksFreeAfterRestart()
    {
        await PutAsync("app/x", "1");
        var held = await Tasks.SubmitAsync(Spec("test", "gate", """{"gate":"never","set":{"app/x":2}}""", timeout: TimeSpan.FromMinutes(10)));
        await Gates.WaitEnteredAsync("never");

        await RestartAsync();
        var task = await FinalAsync(held.Id);

        AssertStatus(TaskStatus.Failed, task);
        Assert.Equal(ErrorCodes.SiloLost, task.Error!.Code);
        Assert.Equal("1", await ValueAsync("app/x"));
        await NoLocksAsync();
        AssertStatus(TaskStatus.Completed, await PutAsync("app/x", "3"));
    }

    [Fact]
    public async Task TaskPastItsDeadlineWaitingForALock_TimesOutAndLeavesTheQueue()
    {
        var holder = await Tasks.SubmitAsync(Spec("test", "gate", """{"gate":"hold","set":{"app/x":1}}"""));
        await Gates.WaitEnteredAsync("hold");

        var waiter = await RunAsync(Spec("document", "put", """{"key":"app/x","value":5}""", timeout: TimeSpan.FromMilliseconds(300)));

        AssertStatus(TaskStatus.TimedOut, waiter);
        Assert.Empty(await Tasks.GetLockWaitersAsync("app/x"));
        Gates.Release("hold");
        AssertStatus(TaskStatus.Completed, await FinalAsync(holder.Id));
        Assert.Equal("1", await ValueAsync("app/x"));
        await NoLocksAsync();
    }

    [Fact]
    public async Task HandlerStillWorkingAtItsDeadline_TaskTimesOutAndStagedValueIsDiscarded()
    {
        await PutAsync("app/x", "1");

        var task = await RunAsync(Spec("test", "gate", """{"gate":"slow","set":{"app/x":2}}""", timeout: TimeSpan.FromMilliseconds(300)));

        AssertStatus(TaskStatus.TimedOut, task);
        Assert.Equal("1", await ValueAsync("app/x"));
        await NoLocksAsync();
    }
}

public sealed class ProgressLawTestsOnSqlite() : ProgressLawTests(new SqliteUnderTest());

public sealed class ProgressLawTestsOnPostgres() : ProgressLawTests(new PostgresUnderTest());
