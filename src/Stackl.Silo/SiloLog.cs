namespace Stackl.Silo;

/// <summary>Silo host log messages; event ids 4000-4999 belong to the host and never change once shipped.</summary>
internal static partial class SiloLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Error, Message = "Unhandled error answering {Method} {Path}")]
    public static partial void UnhandledApiError(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Stackl silo {Silo} ({Storage}) ready: API {Url}/api, dashboard {Url}/dashboard (Orleans: {Url}/orleans/), health {Url}/health, metrics {Url}/metrics")]
    public static partial void Ready(ILogger logger, string silo, string storage, string url);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Metric {Metric} could not be read and is left out of this scrape")]
    public static partial void MetricUnavailable(ILogger logger, Exception exception, string metric);
}
