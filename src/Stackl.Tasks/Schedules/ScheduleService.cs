using Cronos;
using Stackl.Contracts;
using Stackl.Tasks.Security;

namespace Stackl.Tasks.Schedules;

/// <summary>The front door of schedules: validates and writes them, reads, lists, pauses, resumes, triggers and deletes them.</summary>
/// <remarks>
/// Reading schedules needs the grant to see every task (reader, operator, admin); writing, pausing, resuming, triggering or deleting
/// one also needs the grant to submit its task.
/// </remarks>
public sealed class ScheduleService(IGrainFactory grains, TaskService tasks, IScheduleIndex index)
{
    /// <summary>Parses a cron expression with seconds (6 fields) or without (5 fields).</summary>
    /// <exception cref="TaskValidationException">It is not a cron expression Cronos reads.</exception>
    /// <param name="cron">The expression.</param>
    public static CronExpression ParseCron(string? cron)
    {
        cron ??= "";
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return fields switch
            {
                6 => CronExpression.Parse(cron, CronFormat.IncludeSeconds),
                5 => CronExpression.Parse(cron, CronFormat.Standard),
                _ => throw new CronFormatException($"it has {fields} fields"),
            };
        }
        catch (CronFormatException invalid)
        {
            throw new TaskValidationException(ErrorCodes.InvalidSchedule, $"cron '{cron}' is not a cron expression ({invalid.Message}); write 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. \"0 */5 * * * *\".");
        }
    }

    /// <summary>Creates or replaces a schedule.</summary>
    /// <exception cref="TaskValidationException">The name, cron, time zone or task is invalid; nothing was stored.</exception>
    /// <exception cref="AccessDeniedException">The caller may not manage schedules or submit the task.</exception>
    /// <param name="name">The schedule's name.</param>
    /// <param name="spec">The schedule.</param>
    /// <param name="caller">Who writes it.</param>
    public Task<ScheduleView> PutAsync(string name, ScheduleSpec spec, StacklPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(caller);
        caller.DemandAllTasks("manage schedules");
        return Grain(name).PutAsync(Validate(spec, caller));
    }

    /// <summary>Checks a schedule without storing anything.</summary>
    /// <exception cref="TaskValidationException">The cron, time zone or task is invalid.</exception>
    /// <param name="spec">The schedule.</param>
    /// <param name="caller">Who would write it.</param>
    public ScheduleDefinition Validate(ScheduleSpec spec, StacklPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ParseCron(spec.Cron);
        var zone = spec.TimeZone ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            throw new TaskValidationException(ErrorCodes.InvalidSchedule, $"timeZone '{zone}' is not a known time zone; use an IANA id such as \"Europe/Paris\" or \"UTC\".");
        }

        if (spec.Task is null)
        {
            throw new TaskValidationException(ErrorCodes.InvalidSchedule, "task is required: the task each run submits ({\"topic\", \"subtype\", \"payload\", ...}).");
        }

        if (spec.Task.IdempotencyKey is not null)
        {
            throw new TaskValidationException(ErrorCodes.InvalidSchedule, "task.idempotencyKey must be left out: each run's key is the schedule's name and its due time, so no run starts twice.");
        }

        try
        {
            tasks.ValidateFor(spec.Task with { Source = null }, caller);
        }
        catch (TaskValidationException invalid)
        {
            throw new TaskValidationException(invalid.Code, $"task: {invalid.Message}");
        }

        return new ScheduleDefinition(spec.Cron.Trim(), zone, spec.Task with { Source = null }, spec.Overlap ?? ScheduleOverlap.Skip, spec.CatchUp ?? ScheduleCatchUp.Last, spec.Enabled ?? true);
    }

    /// <summary>A schedule, or null.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="caller">Who asks.</param>
    public Task<ScheduleView?> GetAsync(string name, StacklPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.DemandAllTasks("read schedules");
        return IsName(name) ? Grain(name).GetAsync() : Task.FromResult<ScheduleView?>(null);
    }

    /// <summary>Schedules by name, a page at a time.</summary>
    /// <param name="after">The last name of the previous page, or null.</param>
    /// <param name="limit">The page size.</param>
    /// <param name="caller">Who asks.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public Task<IReadOnlyList<ScheduleView>> ListAsync(string? after, int limit, StacklPrincipal caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.DemandAllTasks("list schedules");
        return index.ListAsync(after, limit, cancellationToken);
    }

    /// <summary>Deletes a schedule; false when there was none.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="caller">Who asks.</param>
    public async Task<bool> DeleteAsync(string name, StacklPrincipal caller) =>
        await DemandManageAsync(name, caller).ConfigureAwait(false) && await Grain(name).DeleteAsync().ConfigureAwait(false);

    /// <summary>Pauses or resumes a schedule; null when there is none.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="enabled">True to resume.</param>
    /// <param name="caller">Who asks.</param>
    public async Task<ScheduleView?> SetEnabledAsync(string name, bool enabled, StacklPrincipal caller) =>
        await DemandManageAsync(name, caller).ConfigureAwait(false) ? await Grain(name).SetEnabledAsync(enabled).ConfigureAwait(false) : null;

    /// <summary>Starts a run of a schedule now; null when there is none.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="caller">Who asks.</param>
    public async Task<TaskView?> TriggerAsync(string name, StacklPrincipal caller) =>
        await DemandManageAsync(name, caller).ConfigureAwait(false) ? await Grain(name).TriggerAsync().ConfigureAwait(false) : null;

    /// <summary>False when there is no such schedule; throws unless the caller sees every task and may submit the schedule's task, as writing it needs.</summary>
    /// <remarks>Seeing every task alone is a reader's grant: without the submit check a reader could start, stop or delete the runs of any schedule.</remarks>
    private async Task<bool> DemandManageAsync(string name, StacklPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.DemandAllTasks("manage schedules");
        if (!IsName(name) || await Grain(name).GetAsync().ConfigureAwait(false) is not { } schedule)
        {
            return false;
        }

        var kind = $"{schedule.Task.Topic}/{schedule.Task.Subtype}";
        caller.DemandSubmit(kind, $"manage the schedule '{name}', which submits {kind} tasks");
        return true;
    }

    private IScheduleGrain Grain(string name) =>
        IsName(name)
            ? grains.GetGrain<IScheduleGrain>(name)
            : throw new TaskValidationException(ErrorCodes.InvalidSchedule, $"'{name}' is not a schedule name: {ResourceNames.Rule}.");

    private static bool IsName(string? name) => ResourceNames.IsValid(name);
}
