using System.Net;

namespace Stackl.Client;

/// <summary>
/// 429: the caller is over one of the silo's limits (<c>rate_limited</c>, <c>too_many_waits</c>, <c>too_many_streams</c>,
/// <c>too_many_tasks</c>); nothing was done. Send the request again after <see cref="RetryAfter"/>.
/// </summary>
public sealed class StacklRateLimitedException : StacklApiException
{
    /// <summary>Creates the exception.</summary>
    public StacklRateLimitedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StacklRateLimitedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StacklRateLimitedException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from a problem the server sent.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="code">The problem's stable code.</param>
    /// <param name="detail">The problem's detail.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, if it sent one.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="traceId">The server's trace id.</param>
    public StacklRateLimitedException(HttpStatusCode statusCode, string code, string detail, TimeSpan? retryAfter, string? title = null, string? traceId = null)
        : base(statusCode, code, detail, title, traceId)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long to wait before sending the request again, as the server's <c>Retry-After</c> said; null when it said nothing.</summary>
    public TimeSpan? RetryAfter { get; }
}
