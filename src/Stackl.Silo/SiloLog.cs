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

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "API authentication is OFF (Stackl:Auth:Mode=Open): anyone who reaches this silo's ports may submit tasks, change documents and manage keys")]
    public static partial void AuthOpen(ILogger logger);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "API authentication is required: every /api request needs 'Authorization: Bearer <key or token>'")]
    public static partial void AuthRequired(ILogger logger);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "API open: this silo listens on loopback only and its requests need no credentials; --auth required requires them (they are required anyway on any other address and in cluster mode)")]
    public static partial void AuthLoopbackOpen(ILogger logger);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Information, Message = "API authentication is required for requests arriving on addresses other than loopback; requests from this machine need none (--auth required requires them everywhere)")]
    public static partial void AuthRequiredBeyondLoopback(ILogger logger);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Created the cluster's first API key (name admin, role admin) and printed it to the console once; only its hash is stored")]
    public static partial void AdminKeyCreated(ILogger logger);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "Could not store the cluster's first API key; retrying")]
    public static partial void AdminKeyFailed(ILogger logger, Exception exception);
}
