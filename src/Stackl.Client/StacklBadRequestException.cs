using System.Net;

namespace Stackl.Client;

/// <summary>A 4xx other than 404 and 409: the request is malformed (400), too large (413) or cannot be run (422: unknown topic, invalid payload, invalid document key); nothing was stored.</summary>
public sealed class StacklBadRequestException : StacklApiException
{
    /// <summary>Creates the exception.</summary>
    public StacklBadRequestException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StacklBadRequestException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StacklBadRequestException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from a problem the server sent.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="code">The problem's stable code.</param>
    /// <param name="detail">The problem's detail.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="traceId">The server's trace id.</param>
    public StacklBadRequestException(HttpStatusCode statusCode, string code, string detail, string? title = null, string? traceId = null)
        : base(statusCode, code, detail, title, traceId)
    {
    }
}
