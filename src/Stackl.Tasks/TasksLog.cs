using Microsoft.Extensions.Logging;

namespace Stackl.Tasks;

/// <summary>Task domain log messages; event ids 3000-3999 belong to the task domain and never change once shipped.</summary>
internal static partial class TasksLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Task {TaskId}: a commit, rollback or recovery step failed; the deadline sweep drives it again")]
    public static partial void DriverFailed(ILogger logger, Exception exception, string taskId);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Document {DocumentKey}: the lock of task {TaskId} expired and its decision could not be read; the lock stays held")]
    public static partial void LockResolutionFailed(ILogger logger, Exception exception, string documentKey, string taskId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Deadline sweep woke {Count} unfinished tasks whose silo left the cluster or whose deadline passed")]
    public static partial void SweepWoke(ILogger logger, int count);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Information, Message = "Deadline sweep freed {Count} document locks that final tasks had left behind")]
    public static partial void SweepFreedLocks(ILogger logger, int count);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Deadline sweep failed; it tries again after the recovery interval")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Task {TaskId} ({Topic}/{Subtype}) submitted with a timeout of {TimeoutSeconds} s")]
    public static partial void TaskSubmitted(ILogger logger, string taskId, string topic, string subtype, double timeoutSeconds);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Task {TaskId} ({Topic}/{Subtype}) completed in {DurationMs} ms")]
    public static partial void TaskCompleted(ILogger logger, string taskId, string topic, string subtype, double durationMs);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Task {TaskId} ({Topic}/{Subtype}) ended {Status} after {DurationMs} ms and was rolled back: {ErrorCode} {ErrorMessage}")]
    public static partial void TaskNotCompleted(ILogger logger, string taskId, string topic, string subtype, TaskStatus status, double durationMs, string? errorCode, string? errorMessage);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "Task {TaskId} ({Topic}/{Subtype}) ended RollbackFailed: {ErrorMessage} A person must check its side effects")]
    public static partial void TaskRollbackFailed(ILogger logger, string taskId, string topic, string subtype, string? errorMessage);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Task {TaskId} waited {WaitMs} ms for the lock on {DocumentKey}")]
    public static partial void LockWaited(ILogger logger, string taskId, string documentKey, double waitMs);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Task {TaskId} was not stored and could not give back its lock on {DocumentKey}; the lock ends with its lease")]
    public static partial void AbandonedLockNotReleased(ILogger logger, Exception exception, string taskId, string documentKey);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "The silo is stopping: it takes no new tasks and gives the {Count} it drives up to {TimeoutSeconds} s to finish")]
    public static partial void Draining(ILogger logger, int count, double timeoutSeconds);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "The silo is stopping with {Count} tasks unfinished; another silo's deadline sweep (or the next start's) brings them back")]
    public static partial void HandingOver(ILogger logger, int count);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Error, Message = "A cluster client's {Operation} call failed unexpectedly; the client was answered internal_error")]
    public static partial void GatewayCallFailed(ILogger logger, Exception exception, string operation);
}
