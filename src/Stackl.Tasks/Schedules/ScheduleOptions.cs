namespace Stackl.Tasks.Schedules;

/// <summary>How schedules run (<c>Stackl:Schedules</c>).</summary>
public sealed class ScheduleOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Schedules";

    /// <summary>How often the durable reminder wakes a schedule whose silo died; a due time is at most this late after a crash (1 min).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How late a run may start and still count as on time rather than missed (10 s).</summary>
    public TimeSpan MisfireGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most missed runs <c>catchUp: all</c> makes up for (100).</summary>
    public int MaxCatchUp { get; set; } = 100;

    /// <summary>How often a schedule with queued runs checks whether the previous run ended (1 s).</summary>
    public TimeSpan QueuePoll { get; set; } = TimeSpan.FromSeconds(1);
}
