namespace Stackl.Contracts;

/// <summary>What a schedule does when a run is due while its previous run has not finished.</summary>
public enum ScheduleOverlap
{
    /// <summary>The due run is skipped (counted in <see cref="ScheduleView.Skipped"/>).</summary>
    Skip,

    /// <summary>The due run starts once the previous one is final.</summary>
    Queue,

    /// <summary>The due run starts anyway.</summary>
    Allow,
}

/// <summary>Which runs a schedule makes up for when it was not running at their due times (every silo was down, or it was paused).</summary>
public enum ScheduleCatchUp
{
    /// <summary>Missed runs are dropped; the next run is the next due time.</summary>
    None,

    /// <summary>The latest missed run starts; older ones are dropped.</summary>
    Last,

    /// <summary>Every missed run starts, oldest first (at most <c>Stackl:Schedules:MaxCatchUp</c>).</summary>
    All,
}

/// <summary>A schedule as clients write it: a cron expression and the task each due time starts.</summary>
/// <param name="Cron">A cron expression with seconds (<c>0 */5 * * * *</c>) or without (<c>*/5 * * * *</c>), as Cronos reads it.</param>
/// <param name="Task">The task each run submits (its idempotency key is the schedule's and the due time's).</param>
/// <param name="TimeZone">An IANA time zone (<c>Europe/Paris</c>) the expression is read in; UTC when null.</param>
/// <param name="Overlap">What a due run does while the previous run is unfinished; <see cref="ScheduleOverlap.Skip"/> when null.</param>
/// <param name="CatchUp">Which missed runs start when the schedule runs again; <see cref="ScheduleCatchUp.Last"/> when null.</param>
/// <param name="Enabled">False creates it paused; true when null.</param>
public sealed record ScheduleSpec(string Cron, TaskSpec Task, string? TimeZone = null, ScheduleOverlap? Overlap = null, ScheduleCatchUp? CatchUp = null, bool? Enabled = null);

/// <summary>A schedule as clients see it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Cron">Its cron expression.</param>
/// <param name="TimeZone">The time zone it is read in.</param>
/// <param name="Task">The task each run submits.</param>
/// <param name="Overlap">What a due run does while the previous run is unfinished.</param>
/// <param name="CatchUp">Which missed runs start when it runs again.</param>
/// <param name="Enabled">False while paused.</param>
/// <param name="NextDue">When the next run is due (null while paused).</param>
/// <param name="LastDue">The due time of the last run started.</param>
/// <param name="LastTaskId">The task of the last run started.</param>
/// <param name="Runs">Runs started.</param>
/// <param name="Skipped">Due runs skipped (overlap or catch-up).</param>
/// <param name="Created">When it was created.</param>
/// <param name="Updated">When it was last changed.</param>
public sealed record ScheduleView(
    string Name,
    string Cron,
    string TimeZone,
    TaskSpec Task,
    ScheduleOverlap Overlap,
    ScheduleCatchUp CatchUp,
    bool Enabled,
    DateTimeOffset? NextDue,
    DateTimeOffset? LastDue,
    string? LastTaskId,
    long Runs,
    long Skipped,
    DateTimeOffset Created,
    DateTimeOffset Updated);
