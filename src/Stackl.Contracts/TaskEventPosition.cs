using System.Globalization;

namespace Stackl.Contracts;

/// <summary>How far a watcher has followed one task's events: how many of its log lines, and the last status it saw; written <c>&lt;log lines&gt;.&lt;status ordinal&gt;</c>, e.g. <c>3.1</c>.</summary>
/// <remarks>
/// It is derived from the task's durable state, so any silo can resume a stream from it. Both parts only grow during a task's life:
/// log lines are appended, and statuses move forward in ordinal order (<c>Pending</c> 0, <c>Running</c> 1, then <c>Completed</c> 2, or
/// <c>RollingBack</c> 3 and a final 4 to 7). An event is already seen when neither of its parts is past the watcher's. Log lines are
/// only written while a task runs, so a position that counts lines has seen <c>Running</c>.
/// </remarks>
/// <param name="LogLines">The log lines seen.</param>
/// <param name="Status">The ordinal of the last <see cref="TaskStatus"/> seen, or -1 for none.</param>
public readonly record struct TaskEventPosition(int LogLines, int Status)
{
    /// <summary>Nothing seen yet.</summary>
    public static TaskEventPosition None { get; } = new(0, -1);

    /// <summary>The position after an event of a task with <paramref name="logLines"/> log lines in <paramref name="status"/>.</summary>
    /// <param name="logLines">The task's log lines so far.</param>
    /// <param name="status">The task's status.</param>
    public static TaskEventPosition Of(int logLines, TaskStatus status) => new(logLines, (int)status);

    /// <summary>True when a watcher at this position has already seen an event at <paramref name="other"/>.</summary>
    /// <param name="other">The event's position.</param>
    public bool Covers(TaskEventPosition other) => other.LogLines <= LogLines && other.Status <= Status;

    /// <summary>The position that has seen both this one and <paramref name="other"/>.</summary>
    /// <param name="other">Another position.</param>
    public TaskEventPosition Max(TaskEventPosition other) => new(Math.Max(LogLines, other.LogLines), Math.Max(Status, other.Status));

    /// <summary>Reads <c>&lt;log lines&gt;.&lt;status ordinal&gt;</c>.</summary>
    /// <param name="text">The text, e.g. an SSE <c>Last-Event-ID</c>.</param>
    /// <param name="position">The position read.</param>
    /// <returns>False when the text is not a position.</returns>
    public static bool TryParse(string? text, out TaskEventPosition position)
    {
        position = None;
        var dot = text is null ? -1 : text.IndexOf('.', StringComparison.Ordinal);
        if (text is null
            || dot < 0
            || !int.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var lines)
            || !int.TryParse(text.AsSpan(dot + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var status)
            || status < -1
            || status > (int)TaskStatus.RollbackFailed)
        {
            return false;
        }

        position = new TaskEventPosition(lines, status);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{LogLines}.{Status}");
}
