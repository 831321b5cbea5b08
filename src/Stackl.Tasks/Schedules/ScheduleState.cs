using Stackl.Contracts;

namespace Stackl.Tasks.Schedules;

/// <summary>A schedule's durable state: its definition and where it stands.</summary>
public sealed class ScheduleState
{
    /// <summary>The cron expression.</summary>
    public string Cron { get; set; } = "";

    /// <summary>The IANA time zone id.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The task each run submits.</summary>
    public TaskSpec? Task { get; set; }

    /// <summary>What a due run does while the previous one is unfinished.</summary>
    public ScheduleOverlap Overlap { get; set; }

    /// <summary>Which missed runs start when it runs again.</summary>
    public ScheduleCatchUp CatchUp { get; set; }

    /// <summary>False while paused.</summary>
    public bool Enabled { get; set; }

    /// <summary>When the next run is due.</summary>
    public DateTimeOffset? NextDue { get; set; }

    /// <summary>The due time of the last run started.</summary>
    public DateTimeOffset? LastDue { get; set; }

    /// <summary>The task of the last run started.</summary>
    public string? LastTaskId { get; set; }

    /// <summary>Due times waiting for the previous run to finish (overlap queue).</summary>
    public List<DateTimeOffset> Queued { get; set; } = [];

    /// <summary>Runs started.</summary>
    public long Runs { get; set; }

    /// <summary>Due runs skipped.</summary>
    public long Skipped { get; set; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset Created { get; set; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset Updated { get; set; }

    /// <summary>The schedule as clients see it.</summary>
    /// <param name="name">Its name.</param>
    public ScheduleView ToView(string name) =>
        new(name, Cron, TimeZone, Task!, Overlap, CatchUp, Enabled, Enabled ? NextDue : null, LastDue, LastTaskId, Runs, Skipped, Created, Updated);
}
