using System.Net;

namespace Stackl.Client;

/// <summary>5xx: the server failed (500) or cannot serve the request now (503, code <c>unavailable</c>: retry it).</summary>
public sealed class StacklServerException : StacklApiException
{
    /// <summary>Creates the exception.</summary>
    public StacklServerException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StacklServerException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StacklServerException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from a problem the server sent.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="code">The problem's stable code.</param>
    /// <param name="detail">The problem's detail.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="traceId">The server's trace id.</param>
    public StacklServerException(HttpStatusCode statusCode, string code, string detail, string? title = null, string? traceId = null)
        : base(statusCode, code, detail, title, traceId)
    {
    }
}
