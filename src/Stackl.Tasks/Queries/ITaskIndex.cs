using Stackl.Contracts;

namespace Stackl.Tasks.Queries;

/// <summary>Reads tasks from the database's task table (served by its indexes, without waking task grains).</summary>
public interface ITaskIndex
{
    /// <summary>Lists tasks newest first, filtered by status and topic, before the cursor <see cref="TaskQuery.After"/>.</summary>
    /// <remarks>Listed tasks carry no log lines; read one task for its log.</remarks>
    /// <param name="query">The filter and page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<TaskView>> ListAsync(TaskQuery query, CancellationToken cancellationToken = default);

    /// <summary>Counts tasks by status.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyDictionary<TaskStatus, long>> CountByStatusAsync(CancellationToken cancellationToken = default);
}

/// <summary>A filter and page of tasks.</summary>
/// <param name="Status">Only tasks in this status.</param>
/// <param name="Topic">Only tasks of this topic.</param>
/// <param name="After">The cursor: only tasks older than this task id (the previous page's last id).</param>
/// <param name="Limit">The most tasks returned.</param>
public sealed record TaskQuery(TaskStatus? Status = null, string? Topic = null, string? After = null, int Limit = 50);
