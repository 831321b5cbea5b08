using Microsoft.Extensions.Logging;

namespace Stackl.Tasks;

/// <summary>Task domain log messages; event ids 3000-3999 belong to the task domain and never change once shipped.</summary>
internal static partial class TasksLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Task {TaskId}: a commit, rollback or recovery step failed; the deadline reminder drives it again")]
    public static partial void DriverFailed(ILogger logger, Exception exception, string taskId);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Document {DocumentKey}: the lock of task {TaskId} expired and its decision could not be read; the lock stays held")]
    public static partial void LockResolutionFailed(ILogger logger, Exception exception, string documentKey, string taskId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Recovery scan woke {Count} unfinished tasks")]
    public static partial void RecoveryScanFinished(ILogger logger, int count);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Recovery scan failed; unfinished tasks recover when their deadline reminders fire")]
    public static partial void RecoveryScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Task {TaskId} was not stored and could not give back its lock on {DocumentKey}; the lock ends with its lease")]
    public static partial void AbandonedLockNotReleased(ILogger logger, Exception exception, string taskId, string documentKey);
}
