using Microsoft.Extensions.Logging;
using Stackl.Contracts;

namespace Stackl.Tasks.Schedules;

internal static partial class ScheduleLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Schedule {Schedule} started its run due at {Due:O}: task {TaskId}")]
    public static partial void RunStarted(ILogger logger, string schedule, DateTimeOffset due, string taskId);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Schedule {Schedule} skipped its run due at {Due:O}: its previous run {TaskId} has not finished (overlap: skip)")]
    public static partial void OverlapSkipped(ILogger logger, string schedule, DateTimeOffset due, string taskId);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "Schedule {Schedule} dropped {Count} missed runs (catchUp: {CatchUp})")]
    public static partial void MissedRuns(ILogger logger, string schedule, int count, ScheduleCatchUp catchUp);
}
