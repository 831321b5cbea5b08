using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Stackl.Silo.Transport;

/// <summary>Kestrel's connection limits, set so that a slow or stalled client cannot hold a silo's connections. Bound from <c>Stackl:Kestrel</c>.</summary>
/// <remarks>
/// None of them cuts a request the silo is still answering: a long poll (<c>?wait=</c> up to <c>Stackl:Api:MaxWait</c>) and a quiet
/// server-sent event stream have no request body left to read and no response bytes waiting to be read, so neither the keep-alive
/// nor the data rates apply to them. The response rate only ends a connection whose client stopped reading what the silo wrote.
/// </remarks>
public sealed class KestrelLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Kestrel";

    /// <summary>How long a client may take to send a request's line and headers. Default: 10 s (Kestrel's is 30 s).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle connection stays open between two requests. Default: 2 min (Kestrel's is 130 s).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The slowest a client may send a request body, in bytes per second, after <see cref="MinDataRateGracePeriod"/>. Default: 240.</summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>The slowest a client may read a response, in bytes per second, after <see cref="MinDataRateGracePeriod"/>; only counted while bytes wait for it. Default: 240.</summary>
    public double MinResponseBytesPerSecond { get; set; } = 240;

    /// <summary>How long a transfer may go below the minimum rates before the connection is closed; more than 1 s. Default: 5 s.</summary>
    public TimeSpan MinDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most open connections, event streams included; further ones are refused. Default: 10,000 (Kestrel's is unlimited).</summary>
    public long MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>The largest request line and headers together, in bytes; larger ones get 431. Default: 32 KiB.</summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>The most headers in one request. Default: 100.</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>The most concurrent requests on one HTTP/2 connection (HTTPS only). Default: 100.</summary>
    public int Http2MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (RequestHeadersTimeout <= TimeSpan.Zero || KeepAliveTimeout <= TimeSpan.Zero || MinDataRateGracePeriod <= TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException(
                $"{SectionName}:RequestHeadersTimeout ({RequestHeadersTimeout}) and KeepAliveTimeout ({KeepAliveTimeout}) must be positive and MinDataRateGracePeriod ({MinDataRateGracePeriod}) more than 1 s (Kestrel's rule); set durations such as 00:00:10.");
        }

        if (MinRequestBodyBytesPerSecond <= 0 || MinResponseBytesPerSecond <= 0)
        {
            throw new InvalidOperationException(
                $"{SectionName}:MinRequestBodyBytesPerSecond ({MinRequestBodyBytesPerSecond}) and MinResponseBytesPerSecond ({MinResponseBytesPerSecond}) must be positive; Kestrel's default is 240.");
        }

        if (MaxConcurrentConnections < 1 || MaxRequestHeadersTotalSize < 1024 || MaxRequestHeaderCount < 1 || Http2MaxStreamsPerConnection < 1)
        {
            throw new InvalidOperationException(
                $"{SectionName}: MaxConcurrentConnections ({MaxConcurrentConnections}), MaxRequestHeaderCount ({MaxRequestHeaderCount}) and Http2MaxStreamsPerConnection ({Http2MaxStreamsPerConnection}) must be at least 1, MaxRequestHeadersTotalSize ({MaxRequestHeadersTotalSize}) at least 1024.");
        }
    }

    /// <summary>Sets these limits on Kestrel's.</summary>
    /// <param name="limits">Kestrel's limits.</param>
    public void ApplyTo(KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.MinRequestBodyDataRate = new MinDataRate(MinRequestBodyBytesPerSecond, MinDataRateGracePeriod);
        limits.MinResponseDataRate = new MinDataRate(MinResponseBytesPerSecond, MinDataRateGracePeriod);
        limits.MaxConcurrentConnections = MaxConcurrentConnections;
        limits.MaxConcurrentUpgradedConnections = MaxConcurrentConnections;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        limits.Http2.MaxStreamsPerConnection = Http2MaxStreamsPerConnection;
    }
}
