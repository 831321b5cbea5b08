using Stackl.Contracts;

namespace Stackl.Tasks.Execution;

/// <summary>The log lines a running handler wrote and its task has not stored yet: the task's view shows them, so a watcher that arrives mid-run misses none.</summary>
/// <remarks>The handler appends outside the grain's turn while the grain reads in its turn, hence the lock.</remarks>
/// <param name="stored">How many lines the task had stored when its handler started.</param>
internal sealed class TaskLogBuffer(int stored)
{
    private readonly Lock _lock = new();
    private readonly List<TaskLogLine> _lines = [];

    /// <summary>Appends a line as the task will store it; returns it and its position (1-based), or null past <see cref="TaskState.MaxLogLines"/>.</summary>
    public (TaskLogLine Line, int Position)? Add(TaskLogLine line)
    {
        lock (_lock)
        {
            var position = stored + _lines.Count + 1;
            if (position > TaskState.MaxLogLines)
            {
                return null;
            }

            // The same truncation note TaskState.AddLogs writes, so the live line and the stored one agree.
            var kept = position == TaskState.MaxLogLines ? line with { Message = $"(log truncated at {TaskState.MaxLogLines} lines)" } : line;
            _lines.Add(kept);
            return (kept, position);
        }
    }

    /// <summary>Every line written so far, for the outcome the task stores.</summary>
    public IReadOnlyList<TaskLogLine> Snapshot()
    {
        lock (_lock)
        {
            return [.. _lines];
        }
    }

    /// <summary>The lines past the first <paramref name="storedLines"/> of the task's log: written, not stored yet.</summary>
    public IEnumerable<TaskLogLine> After(int storedLines)
    {
        lock (_lock)
        {
            var skip = Math.Max(0, storedLines - stored);
            return skip >= _lines.Count ? [] : _lines.GetRange(skip, _lines.Count - skip);
        }
    }
}
