using Microsoft.Extensions.Logging;

namespace Stackl.Storage;

/// <summary>Storage log messages; event ids 2000-2999 belong to storage and never change once shipped.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Applied schema script {Script} ({Dialect})")]
    public static partial void SchemaScriptApplied(ILogger logger, string script, StorageDialect dialect);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "A group commit of {Count} writes failed")]
    public static partial void GroupCommitFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "The {Dialect} database cannot be reached ({Reason}); requests that need it get 503 until it answers again")]
    public static partial void OutageStarted(ILogger logger, StorageDialect dialect, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "The {Dialect} database answers again after {Seconds:0.0} s ({Failures} operations failed meanwhile)")]
    public static partial void OutageEnded(ILogger logger, StorageDialect dialect, double seconds, long failures);
}
