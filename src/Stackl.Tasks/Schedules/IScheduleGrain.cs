using Stackl.Contracts;

namespace Stackl.Tasks.Schedules;

/// <summary>One schedule, by name: it starts its task at every due time of its cron expression, durably.</summary>
public interface IScheduleGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the schedule (its counters and last run are kept on a replace).</summary>
    /// <param name="definition">The validated definition.</param>
    Task<ScheduleView> PutAsync(ScheduleDefinition definition);

    /// <summary>The schedule, or null when there is none by this name.</summary>
    Task<ScheduleView?> GetAsync();

    /// <summary>Deletes the schedule; false when there was none.</summary>
    Task<bool> DeleteAsync();

    /// <summary>Pauses or resumes it; null when there is none. A resumed schedule makes up for the runs it missed as its catch-up says.</summary>
    /// <param name="enabled">True to resume.</param>
    Task<ScheduleView?> SetEnabledAsync(bool enabled);

    /// <summary>Starts a run now, outside the cron (overlap does not apply); null when there is no such schedule.</summary>
    Task<TaskView?> TriggerAsync();
}

/// <summary>A schedule checked by <see cref="ScheduleService"/>: a parsable cron, a known time zone, a task that validates.</summary>
/// <param name="Cron">The cron expression.</param>
/// <param name="TimeZone">The IANA time zone id.</param>
/// <param name="Task">The task each run submits.</param>
/// <param name="Overlap">What a due run does while the previous one is unfinished.</param>
/// <param name="CatchUp">Which missed runs start.</param>
/// <param name="Enabled">False to create it paused.</param>
public sealed record ScheduleDefinition(string Cron, string TimeZone, TaskSpec Task, ScheduleOverlap Overlap, ScheduleCatchUp CatchUp, bool Enabled);
