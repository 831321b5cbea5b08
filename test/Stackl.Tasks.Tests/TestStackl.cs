namespace Stackl.Tasks.Tests;

/// <summary>The task domain as the tests run it: short commit grace and recovery interval, a 10 s call timeout, and the test handlers.</summary>
internal static class TestStackl
{
    /// <summary>Adds Stackl for tests; the caller picks the storage (and the clustering).</summary>
    public static ISiloBuilder AddTestStackl(this ISiloBuilder silo)
    {
        silo.Configure<Orleans.Configuration.SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        silo.Configure<Schedules.ScheduleOptions>(o =>
        {
            o.ReminderPeriod = TimeSpan.FromSeconds(1);
            o.MisfireGrace = TimeSpan.FromMilliseconds(1500);
            o.QueuePoll = TimeSpan.FromMilliseconds(100);
        });
        return silo.AddStackl(o =>
            {
                o.CommitGrace = TimeSpan.FromMilliseconds(500);
                o.RecoveryInterval = TimeSpan.FromMilliseconds(200);
            })
            .AddTaskHandler<GateHandler>()
            .AddTaskHandler<SideEffectHandler>()
            .AddTaskHandler<FlowStepHandler>()
            .AddTaskHandler<FlowStepRevertHandler>()
            .AddTaskRevertHandler<UndoRevertHandler>();
    }
}
