using System.Net;

namespace Stackl.Client;

/// <summary>409: the request conflicts with the task's state (<c>task_final</c>: it already ended; <c>task_committing</c>: it decided to commit and cannot be cancelled).</summary>
public sealed class StacklConflictException : StacklApiException
{
    /// <summary>Creates the exception.</summary>
    public StacklConflictException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StacklConflictException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StacklConflictException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from a problem the server sent.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="code">The problem's stable code.</param>
    /// <param name="detail">The problem's detail.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="traceId">The server's trace id.</param>
    public StacklConflictException(HttpStatusCode statusCode, string code, string detail, string? title = null, string? traceId = null)
        : base(statusCode, code, detail, title, traceId)
    {
    }
}
