using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Tasks.Queries;
using Stackl.Tasks.Schedules;
using Stackl.Tasks.Security;
using Stackl.Testing;

namespace Stackl.Tasks.Tests;

/// <summary>Schedules on a real silo: one task per due time, overlap, catch-up after the silo was down, pause, trigger, validation.</summary>
public abstract class ScheduleTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    private const string EverySecond = "* * * * * *";

    private ScheduleService Schedules => Host.Services.GetRequiredService<ScheduleService>();

    private static StacklPrincipal Caller => StacklPrincipal.Anonymous;

    private static ScheduleSpec Every(string cron, string payload = """{"hello":"schedule"}""", string subtype = "echo", ScheduleOverlap? overlap = null, ScheduleCatchUp? catchUp = null) =>
        new(cron, Spec("demo", subtype, payload), Overlap: overlap, CatchUp: catchUp);

    [Fact]
    public async Task EverySecond_StartsOneTaskPerDueTime_WithTheScheduleAsSource()
    {
        var created = await Schedules.PutAsync("heartbeat", Every(EverySecond), Caller);
        Assert.True(created.Enabled);
        Assert.NotNull(created.NextDue);

        var running = await RunsAtLeastAsync("heartbeat", 3);
        var paused = await Schedules.SetEnabledAsync("heartbeat", false, Caller);

        var runs = await RunsOfAsync("heartbeat");
        Assert.Equal(paused!.Runs, runs.Count);
        Assert.All(runs, r => Assert.Equal(("demo", "echo", "schedule/heartbeat"), (r.Topic, r.Subtype, r.Source)));
        Assert.Equal(paused.LastTaskId, runs[0].Id);
        Assert.True(running.Runs >= 3);
        Assert.Null(paused.NextDue);
    }

    [Fact]
    public async Task OverlapSkip_ADueRunWhileThePreviousRuns_IsSkipped()
    {
        await Schedules.PutAsync("slow", Every(EverySecond, """{"ms":2500}""", "sleep", ScheduleOverlap.Skip), Caller);

        var view = await Eventually.ValueAsync("the schedule skipped two due runs", () => Schedules.GetAsync("slow", Caller), v => v!.Skipped >= 2, Wait);
        await Schedules.SetEnabledAsync("slow", false, Caller);

        // Never two runs at once: each run started after the one before it had ended.
        var runs = (await RunsOfAsync("slow")).OrderBy(r => r.Created).ToList();
        Assert.Equal(view!.Runs, runs.Count);
        foreach (var (before, after) in runs.Zip(runs.Skip(1)))
        {
            var ended = (await Tasks.GetAsync(before.Id, Wait))!.Completed!.Value;
            Assert.True(after.Created >= ended, $"run {after.Id} started at {after.Created:O}, before run {before.Id} ended at {ended:O}");
        }
    }

    [Theory]
    [InlineData(ScheduleCatchUp.All)]
    [InlineData(ScheduleCatchUp.Last)]
    [InlineData(ScheduleCatchUp.None)]
    public async Task SiloDown_MissedRunsAreMadeUpAsTheCatchUpSays(ScheduleCatchUp catchUp)
    {
        // All made-up runs are due at once: they queue behind each other rather than skip (overlap: skip would keep one).
        await Schedules.PutAsync("nightly", Every(EverySecond, overlap: catchUp == ScheduleCatchUp.All ? ScheduleOverlap.Queue : ScheduleOverlap.Skip, catchUp: catchUp), Caller);
        var before = await RunsAtLeastAsync("nightly", 1);

        // Down long enough for at least three due times to pass beyond the misfire grace (1.5 s in tests).
        await Host.KillAsync();
        var downUntil = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(5);
        await Eventually.TrueAsync("five seconds of due times passed with the silo down", () => DateTimeOffset.UtcNow >= downUntil, TimeSpan.FromSeconds(10));
        await Host.RestartAsync();

        // The reminder brings the schedule back with no request for it; then it runs on time again.
        var after = await Eventually.ValueAsync("the schedule ran again after the restart", () => Schedules.GetAsync("nightly", Caller), v => v!.Runs >= before.Runs + 4, Wait);
        await Schedules.SetEnabledAsync("nightly", false, Caller);

        var madeUp = after!.Runs - before.Runs;
        switch (catchUp)
        {
            case ScheduleCatchUp.All:
                Assert.Equal(0, after.Skipped);
                break;
            case ScheduleCatchUp.Last:
                Assert.True(after.Skipped >= 2, $"catch-up last skipped {after.Skipped} runs ({madeUp} made up or on time)");
                break;
            default:
                Assert.True(after.Skipped >= 3, $"catch-up none skipped {after.Skipped} runs ({madeUp} made up or on time)");
                break;
        }

        var runs = await RunsOfAsync("nightly");
        Assert.Equal(after.Runs, runs.Count);
    }

    [Fact]
    public async Task Trigger_StartsARunNow_AndDeleteStopsTheSchedule()
    {
        await Schedules.PutAsync("yearly", Every("0 0 1 1 *"), Caller);

        var run = await Schedules.TriggerAsync("yearly", Caller);
        AssertStatus(TaskStatus.Completed, await FinalAsync(run!.Id));
        var listed = Assert.Single(await Schedules.ListAsync(null, 10, Caller));
        Assert.Equal(("yearly", 1L, run.Id), (listed.Name, listed.Runs, listed.LastTaskId));
        Assert.Equal(new DateTimeOffset(DateTimeOffset.UtcNow.Year + 1, 1, 1, 0, 0, 0, TimeSpan.Zero), listed.NextDue);

        Assert.True(await Schedules.DeleteAsync("yearly", Caller));
        Assert.Null(await Schedules.GetAsync("yearly", Caller));
        Assert.Empty(await Schedules.ListAsync(null, 10, Caller));
        Assert.False(await Schedules.DeleteAsync("yearly", Caller));
    }

    [Theory]
    [InlineData("every minute", null, "cron 'every minute' is not a cron expression")]
    [InlineData("* * * * *", "Mars/Olympus", "timeZone 'Mars/Olympus' is not a known time zone")]
    public async Task InvalidSchedule_IsRefused_AndNothingIsStored(string cron, string? zone, string message)
    {
        var refused = await Assert.ThrowsAsync<TaskValidationException>(() => Schedules.PutAsync("bad", Every(cron) with { TimeZone = zone }, Caller));

        Assert.Equal(ErrorCodes.InvalidSchedule, refused.Code);
        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await Schedules.ListAsync(null, 10, Caller));
    }

    [Fact]
    public async Task InvalidTask_OrAnIdempotencyKey_IsRefused()
    {
        var unknown = await Assert.ThrowsAsync<TaskValidationException>(() => Schedules.PutAsync("bad", new ScheduleSpec("* * * * *", Spec("nope", "echo", "{}")), Caller));
        var keyed = await Assert.ThrowsAsync<TaskValidationException>(() => Schedules.PutAsync("bad", new ScheduleSpec("* * * * *", Spec("demo", "echo", "{}", idempotencyKey: "k")), Caller));

        Assert.StartsWith("task: No handler for topic 'nope'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("idempotencyKey must be left out", keyed.Message, StringComparison.Ordinal);
        Assert.Empty(await Schedules.ListAsync(null, 10, Caller));
    }

    private Task<ScheduleView> RunsAtLeastAsync(string name, long runs) =>
        Eventually.ValueAsync($"schedule {name} started {runs} runs", async () => (await Schedules.GetAsync(name, Caller))!, v => v.Runs >= runs, Wait);

    private async Task<IReadOnlyList<TaskView>> RunsOfAsync(string name) =>
        await TaskIndex.ListAsync(new TaskQuery(Source: $"schedule/{name}", Limit: 500));
}

public sealed class ScheduleTestsOnSqlite() : ScheduleTests(new SqliteUnderTest());

public sealed class ScheduleTestsOnPostgres() : ScheduleTests(new PostgresUnderTest());
