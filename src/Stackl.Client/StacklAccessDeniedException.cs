using System.Net;

namespace Stackl.Client;

/// <summary>401 (<c>unauthorized</c>: no credentials, or a key that is unknown or revoked) or 403 (<c>forbidden</c>: the role is not granted the request); nothing was changed.</summary>
public sealed class StacklAccessDeniedException : StacklApiException
{
    /// <summary>Creates the exception.</summary>
    public StacklAccessDeniedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StacklAccessDeniedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StacklAccessDeniedException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception from a problem the server sent.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="code">The problem's stable code.</param>
    /// <param name="detail">The problem's detail.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="traceId">The server's trace id.</param>
    public StacklAccessDeniedException(HttpStatusCode statusCode, string code, string detail, string? title = null, string? traceId = null)
        : base(statusCode, code, detail, title, traceId)
    {
    }
}
