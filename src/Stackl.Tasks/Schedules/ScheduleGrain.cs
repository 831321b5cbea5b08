using Cronos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stackl.Contracts;

namespace Stackl.Tasks.Schedules;

/// <summary>
/// One schedule: a precise timer fires each due time while the grain lives, and a durable reminder brings it back on any silo
/// after a crash or a deactivation, so no due time is lost; it then makes up for missed runs as its catch-up says.
/// </summary>
/// <remarks>
/// A run is a task whose idempotency key is the schedule's name and the due time: a run started twice (two silos, or a crash
/// before the schedule stored that it started it) is one task.
/// </remarks>
// On the silo that wrote it (no hop for the write); after that silo dies, its reminder brings it back wherever the reminder's owner is.
[GrainType(GrainTypeName)]
[Orleans.Placement.PreferLocalPlacement]
internal sealed class ScheduleGrain(
    [PersistentState("schedule")] IPersistentState<ScheduleState> state,
    TaskService tasks,
    IOptions<ScheduleOptions> options,
    TimeProvider timeProvider,
    ILoggerFactory loggers) : StacklGrain, IScheduleGrain, IRemindable
{
    /// <summary>The schedule grain's type name (stored keys use it).</summary>
    public const string GrainTypeName = "schedule";

    private const string ReminderName = "schedule";

    private readonly ILogger _logger = loggers.CreateLogger("Stackl.Schedules");
    private IGrainTimer? _timer;

    private ScheduleState Current => state.State;

    private ScheduleOptions Options => options.Value;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.RecordExists && Current.Enabled)
        {
            KeepAlive = true;
            await FireAsync();
        }
    }

    /// <inheritdoc />
    public async Task<ScheduleView> PutAsync(ScheduleDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var now = timeProvider.GetUtcNow();
        var changedTiming = !state.RecordExists || Current.Cron != definition.Cron || Current.TimeZone != definition.TimeZone || !Current.Enabled;
        if (!state.RecordExists)
        {
            state.State = new ScheduleState { Created = now };
        }

        Current.Cron = definition.Cron;
        Current.TimeZone = definition.TimeZone;
        Current.Task = definition.Task;
        Current.Overlap = definition.Overlap;
        Current.CatchUp = definition.CatchUp;
        Current.Enabled = definition.Enabled;
        Current.Updated = now;
        if (changedTiming)
        {
            // A new or changed timing starts from now: due times of another expression are not this one's to make up for.
            Current.NextDue = NextAfter(now);
        }

        await WriteOrForgetAsync(state);
        await ArmAsync();
        return Current.ToView(GrainKey);
    }

    /// <inheritdoc />
    public Task<ScheduleView?> GetAsync()
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
        }

        return Task.FromResult(state.RecordExists ? Current.ToView(GrainKey) : null);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync()
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
            return false;
        }

        await state.ClearStateAsync();
        await DisarmAsync();
        DeactivateOnIdle();
        return true;
    }

    /// <inheritdoc />
    public async Task<ScheduleView?> SetEnabledAsync(bool enabled)
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
            return null;
        }

        if (Current.Enabled != enabled)
        {
            Current.Enabled = enabled;
            Current.Updated = timeProvider.GetUtcNow();
            await WriteOrForgetAsync(state);
            if (enabled)
            {
                // Resumed: the due times passed while paused are missed runs, made up for as the catch-up says.
                await FireAsync();
            }

            await ArmAsync();
        }

        return Current.ToView(GrainKey);
    }

    /// <inheritdoc />
    public async Task<TaskView?> TriggerAsync()
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var run = await SubmitAsync($"manual-{now.UtcTicks}");
        Current.LastTaskId = run.Id;
        Current.Runs++;
        await WriteOrForgetAsync(state);
        return run;
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!state.RecordExists || !Current.Enabled)
        {
            // Deleted or paused while its silo was down: the reminder has nothing left to wake.
            await DisarmAsync();
            DeactivateOnIdle();
            return;
        }

        await FireAsync();
    }

    /// <summary>Starts what is due: queued runs whose previous run ended, then every due time up to now, as overlap and catch-up say.</summary>
    private async Task FireAsync()
    {
        if (!state.RecordExists || !Current.Enabled || Forgotten)
        {
            return;
        }

        var now = timeProvider.GetUtcNow();
        var changed = await StartQueuedAsync();
        if (Current.NextDue is not { } nextDue)
        {
            Current.NextDue = NextAfter(now);
            changed = true;
        }
        else if (nextDue <= now)
        {
            var due = DueTimes(nextDue, now);
            var missed = due.Where(d => now - d > Options.MisfireGrace).ToList();
            var onTime = due.Skip(missed.Count).ToList();
            var madeUp = Current.CatchUp switch
            {
                ScheduleCatchUp.All => missed.TakeLast(Options.MaxCatchUp).ToList(),
                ScheduleCatchUp.Last when missed.Count > 0 => [missed[^1]],
                _ => [],
            };
            if (missed.Count > madeUp.Count)
            {
                Current.Skipped += missed.Count - madeUp.Count;
                ScheduleLog.MissedRuns(_logger, GrainKey, missed.Count - madeUp.Count, Current.CatchUp);
            }

            foreach (var time in madeUp.Concat(onTime))
            {
                await RunAsync(time);
            }

            Current.NextDue = NextAfter(now);
            changed = true;
        }

        if (changed)
        {
            await WriteOrForgetAsync(state);
        }

        await ArmAsync();
    }

    private async Task RunAsync(DateTimeOffset due)
    {
        if (Current.Overlap != ScheduleOverlap.Allow && await PreviousRunUnfinishedAsync())
        {
            if (Current.Overlap == ScheduleOverlap.Queue)
            {
                Current.Queued.Add(due);
            }
            else
            {
                Current.Skipped++;
                ScheduleLog.OverlapSkipped(_logger, GrainKey, due, Current.LastTaskId!);
            }

            return;
        }

        await StartAsync(due);
    }

    private async Task<bool> StartQueuedAsync()
    {
        var started = false;
        while (Current.Queued.Count > 0 && !await PreviousRunUnfinishedAsync())
        {
            var due = Current.Queued[0];
            Current.Queued.RemoveAt(0);
            await StartAsync(due);
            started = true;
        }

        return started;
    }

    private async Task StartAsync(DateTimeOffset due)
    {
        var run = await SubmitAsync(due.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        Current.LastDue = due;
        Current.LastTaskId = run.Id;
        Current.Runs++;
        ScheduleLog.RunStarted(_logger, GrainKey, due, run.Id);
    }

    // Anonymous: the grants were checked when the schedule was written; the run's source names the schedule.
    private Task<TaskView> SubmitAsync(string run) =>
        tasks.SubmitAsync(Current.Task! with { IdempotencyKey = $"schedule/{GrainKey}/{run}", Source = $"schedule/{GrainKey}" });

    private async Task<bool> PreviousRunUnfinishedAsync() =>
        Current.LastTaskId is { } last && await tasks.GetAsync(last) is { } previous && !previous.Status.IsFinal();

    private List<DateTimeOffset> DueTimes(DateTimeOffset from, DateTimeOffset until)
    {
        var due = new List<DateTimeOffset>();
        for (DateTimeOffset? next = from; next is { } time && time <= until; next = Expression().GetNextOccurrence(time, Zone()))
        {
            due.Add(time);

            // Keep the newest ones: a schedule down for a long time makes up for at most MaxCatchUp runs.
            if (due.Count > Options.MaxCatchUp + 1)
            {
                due.RemoveAt(0);
            }
        }

        return due;
    }

    private DateTimeOffset? NextAfter(DateTimeOffset time) => Expression().GetNextOccurrence(time, Zone());

    private CronExpression Expression() => ScheduleService.ParseCron(Current.Cron);

    private TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(Current.TimeZone);

    // The timer is exact while the grain lives; the reminder is the durable safety net that brings the schedule back.
    private async Task ArmAsync()
    {
        if (!Current.Enabled || Forgotten)
        {
            await DisarmAsync();
            return;
        }

        KeepAlive = true;
        await this.RegisterOrUpdateReminder(ReminderName, Options.ReminderPeriod, Options.ReminderPeriod);
        var now = timeProvider.GetUtcNow();
        var wait = Current.NextDue is { } next && next > now ? next - now : TimeSpan.Zero;
        if (Current.Queued.Count > 0 && wait > Options.QueuePoll)
        {
            wait = Options.QueuePoll;
        }

        _timer ??= this.RegisterGrainTimer(_ => FireAsync(), Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
    }

    private async Task DisarmAsync()
    {
        _timer?.Dispose();
        _timer = null;
        KeepAlive = false;
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
