namespace Stackl.Grains.Abstractions;

/// <summary>A gateway grain refused a call: the status and code the HTTP API answers the same problem with, and a detail a person can act on.</summary>
/// <remarks><see cref="Code"/> is a value of <c>Stackl.Contracts.ErrorCodes</c> or another documented code (<c>task_final</c>, <c>task_committing</c>).</remarks>
[GenerateSerializer]
[Alias("stackl.gateway-exception")]
public sealed class StacklGatewayException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StacklGatewayException()
    {
    }

    /// <summary>Creates the exception with a detail (status 500).</summary>
    /// <param name="message">What went wrong.</param>
    public StacklGatewayException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a detail and a cause (status 500).</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StacklGatewayException(string message, Exception? innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a status, a code and a detail.</summary>
    /// <param name="statusCode">The HTTP status the API answers the problem with, e.g. 404 or 422.</param>
    /// <param name="code">The stable code.</param>
    /// <param name="message">The detail: what is wrong and how to fix it.</param>
    public StacklGatewayException(int statusCode, string code, string message) : base(message)
    {
        StatusCode = statusCode;
        Code = code;
    }

    /// <summary>The HTTP status the API answers the same problem with.</summary>
    [Id(0)]
    public int StatusCode { get; private set; } = 500;

    /// <summary>The stable code, e.g. <c>not_found</c> or <c>invalid_payload</c>.</summary>
    [Id(1)]
    public string Code { get; private set; } = "internal_error";
}
