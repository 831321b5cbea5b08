using System.Net;

namespace Stackl.Client;

/// <summary>The server answered with an error (<c>application/problem+json</c>): its status, stable code and detail.</summary>
/// <remarks>
/// Subclasses name the cases a caller branches on: <see cref="StacklNotFoundException"/> (404),
/// <see cref="StacklConflictException"/> (409), <see cref="StacklBadRequestException"/> (other 4xx) and
/// <see cref="StacklServerException"/> (5xx). <see cref="Code"/> is a value of <c>Stackl.Contracts.ErrorCodes</c> or
/// another stable code the server documents (<c>task_final</c>, <c>task_committing</c>, <c>unavailable</c>).
/// </remarks>
public class StacklApiException : StacklException
{
    /// <summary>Creates the exception.</summary>
    public StacklApiException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StacklApiException(string message) : base(message)
    {
        Detail = message;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StacklApiException(string message, Exception? innerException) : base(message, innerException)
    {
        Detail = message;
    }

    /// <summary>Creates the exception from a problem the server sent.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="code">The problem's stable code.</param>
    /// <param name="detail">The problem's detail: what is wrong and how to fix it.</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="traceId">The server's trace id, to find the request in its log.</param>
    public StacklApiException(HttpStatusCode statusCode, string code, string detail, string? title = null, string? traceId = null)
        : base(detail)
    {
        StatusCode = statusCode;
        Code = code;
        Detail = detail;
        Title = title;
        TraceId = traceId;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's stable code, e.g. <c>not_found</c> or <c>invalid_payload</c>; empty when the server sent none.</summary>
    public string Code { get; } = string.Empty;

    /// <summary>What is wrong and how to fix it, as the server wrote it.</summary>
    public string Detail { get; } = string.Empty;

    /// <summary>The problem's title, if any.</summary>
    public string? Title { get; }

    /// <summary>The server's trace id of the request, if any.</summary>
    public string? TraceId { get; }
}
