namespace Stackl.Contracts;

/// <summary>Helpers on <see cref="TaskStatus"/>.</summary>
public static class TaskStatusExtensions
{
    /// <summary>True for the statuses a task never leaves.</summary>
    /// <param name="status">The status.</param>
    public static bool IsFinal(this TaskStatus status) =>
        status is TaskStatus.Completed or TaskStatus.Failed or TaskStatus.TimedOut or TaskStatus.Cancelled or TaskStatus.RollbackFailed;

    /// <summary>The statuses a task is in until it is final.</summary>
    public static IReadOnlyList<TaskStatus> Unfinished { get; } = [TaskStatus.Pending, TaskStatus.Running, TaskStatus.RollingBack];
}
