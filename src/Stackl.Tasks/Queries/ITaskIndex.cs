using Stackl.Contracts;
using Stackl.Tasks.Execution;

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

    /// <summary>Ids of unfinished tasks that need a look: past <see cref="StrandedTaskQuery.OverdueBefore"/>, or of a silo that is dead (or not live).</summary>
    /// <remarks>Served by an index of unfinished tasks only.</remarks>
    /// <param name="query">The cut-off, the silos and the page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<string>> ListStrandedAsync(StrandedTaskQuery query, CancellationToken cancellationToken = default);

    /// <summary>A task's commit decision as its stored state says (<see cref="TaskDecision.Abort"/> when no task has this id).</summary>
    /// <remarks>For a document resolving an expired lock: the stored state is the truth, where an activation's memory may be stale or ahead of it.</remarks>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<TaskDecision> GetStoredDecisionAsync(string taskId, CancellationToken cancellationToken = default);
}

/// <summary>What makes an unfinished task stranded, and a page of them.</summary>
/// <param name="OverdueBefore">A task whose deadline is before this is listed whatever its silo.</param>
/// <param name="DeadSilos">Addresses of silos the membership declared dead (Orleans' parsable silo addresses): their tasks are listed.</param>
/// <param name="LiveSilos">When given, the tasks of every silo not in it are listed too, and those stored before their silo was recorded.</param>
/// <param name="After">The cursor: only ids after this one (the previous page's last id).</param>
/// <param name="Limit">The most ids returned.</param>
public sealed record StrandedTaskQuery(DateTimeOffset OverdueBefore, IReadOnlyCollection<string> DeadSilos, IReadOnlyCollection<string>? LiveSilos = null, string? After = null, int Limit = 500);

/// <summary>A filter and page of tasks.</summary>
/// <param name="Status">Only tasks in this status.</param>
/// <param name="Topic">Only tasks of this topic.</param>
/// <param name="After">The cursor: only tasks older than this task id (the previous page's last id).</param>
/// <param name="Limit">The most tasks returned.</param>
/// <param name="Source">Only tasks submitted by this principal.</param>
public sealed record TaskQuery(TaskStatus? Status = null, string? Topic = null, string? After = null, int Limit = 50, string? Source = null);
