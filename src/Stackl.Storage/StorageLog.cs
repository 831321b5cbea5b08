using Microsoft.Extensions.Logging;

namespace Stackl.Storage;

/// <summary>Storage log messages; event ids 2000-2999 belong to storage and never change once shipped.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Applied schema script {Script} ({Dialect})")]
    public static partial void SchemaScriptApplied(ILogger logger, string script, StorageDialect dialect);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "A group commit of {Count} writes failed")]
    public static partial void GroupCommitFailed(ILogger logger, Exception exception, int count);
}
