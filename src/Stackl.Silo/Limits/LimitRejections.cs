using System.Diagnostics.Metrics;
using System.Globalization;
using Stackl.Contracts;
using Stackl.Silo.Api;

namespace Stackl.Silo.Limits;

/// <summary>Answers a request over a limit with <c>429</c>, <c>Retry-After</c> and a problem naming the limit, and counts it in <c>stackl_http_rejected_total{reason}</c>.</summary>
internal sealed class LimitRejections
{
    /// <summary>The meter of the HTTP API's own instruments.</summary>
    public const string MeterName = "Stackl.Http";

    private readonly Counter<long> _rejected;

    public LimitRejections(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _rejected = meter.CreateCounter<long>("stackl.http.rejected", description: "API requests answered 429 because the caller was over a limit (Stackl:Limits), by the limit's error code.");
    }

    /// <summary>The 429 result; <paramref name="retryAfter"/> is rounded up to whole seconds, at least one.</summary>
    /// <param name="context">The request.</param>
    /// <param name="code">The error code, also the metric's <c>reason</c>.</param>
    /// <param name="detail">The limit, its setting and what to do.</param>
    /// <param name="retryAfter">When the caller may try again.</param>
    public IResult Reject(HttpContext context, string code, string detail, TimeSpan retryAfter)
    {
        _rejected.Add(1, new KeyValuePair<string, object?>("reason", code));
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiProblems.Problem(StatusCodes.Status429TooManyRequests, code, $"{detail} Retry after {seconds} s (the Retry-After header).");
    }

    /// <summary>The detail of a cap that was reached.</summary>
    public static string CapDetail(string principal, int cap, string what, string setting) =>
        $"'{principal}' already has {cap:N0} {what} on this silo, the most {LimitOptions.SectionName}:{setting} allows;";
}
