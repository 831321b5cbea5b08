using Microsoft.Extensions.Logging;

namespace Stackl.Runtime.Core;

/// <summary>The runtime's log messages; event ids 1000-1999 belong to the runtime and never change once shipped.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Silo {SiloName} starting")]
    public static partial void SiloStarting(ILogger logger, string siloName);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Silo {SiloName} started")]
    public static partial void SiloStarted(ILogger logger, string siloName);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Silo {SiloName} stopping: draining turns in flight")]
    public static partial void SiloStopping(ILogger logger, string siloName);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Silo {SiloName} stopped")]
    public static partial void SiloStopped(ILogger logger, string siloName);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Silo {SiloName} was killed: in-flight work abandoned")]
    public static partial void SiloKilled(ILogger logger, string siloName);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Silo {SiloName} shutdown timed out with {ActivationCount} activations left")]
    public static partial void ShutdownTimedOut(ILogger logger, string siloName, int activationCount);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Error, Message = "Activation of grain {GrainId} failed")]
    public static partial void ActivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Deactivation of grain {GrainId} failed")]
    public static partial void DeactivationFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Timer tick of grain {GrainId} failed")]
    public static partial void TimerFailed(ILogger logger, Exception exception, GrainId grainId);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "Idle collection failed")]
    public static partial void CollectorFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Reminder {ReminderName} of grain {GrainId} failed (attempt {Attempt}); retrying at {RetryAt}")]
    public static partial void ReminderFailed(ILogger logger, Exception exception, GrainId grainId, string reminderName, int attempt, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Error, Message = "Reading due reminders failed")]
    public static partial void ReminderPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Warning, Message = "Reminder {ReminderName} names unknown grain type {GrainType}; it stays stored until that grain type is registered")]
    public static partial void ReminderForUnknownGrain(ILogger logger, string grainType, string reminderName);
}
