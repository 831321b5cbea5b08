namespace Stackl.Contracts;

/// <summary>Something that happened to a task: a status transition (persisted before it is published) or a log line.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Kind"><c>status</c> or <c>log</c>.</param>
/// <param name="Status">The task's status when the event happened.</param>
/// <param name="Topic">The task's topic.</param>
/// <param name="Subtype">The task's subtype.</param>
/// <param name="At">When it happened.</param>
/// <param name="Message">The log line, or for a final status the error message, if any.</param>
/// <param name="DurationMs">For a final status: milliseconds from creation to the final status.</param>
/// <param name="Position">Where the event is in its task's stream, a <see cref="TaskEventPosition"/> such as <c>3.1</c> (the <c>id:</c> of a task's server-sent events).</param>
public sealed record TaskEvent(string TaskId, string Kind, TaskStatus Status, string Topic, string Subtype, DateTimeOffset At, string? Message = null, double? DurationMs = null, string? Position = null)
{
    /// <summary>The <see cref="Kind"/> of a status transition.</summary>
    public const string StatusKind = "status";

    /// <summary>The <see cref="Kind"/> of a log line.</summary>
    public const string LogKind = "log";
}
