namespace Stackl.Silo.Api;

/// <summary>A request the API rejects before calling the domain: the detail names the field and the fix.</summary>
public sealed class BadRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BadRequestException()
    {
    }

    /// <summary>Creates the exception with a detail.</summary>
    /// <param name="message">A sentence naming the field and the fix.</param>
    public BadRequestException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a detail and a cause.</summary>
    /// <param name="message">The detail.</param>
    /// <param name="innerException">The cause.</param>
    public BadRequestException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a status and a code.</summary>
    /// <param name="statusCode">The HTTP status (400 or 413).</param>
    /// <param name="code">A code from <see cref="Contracts.ErrorCodes"/>.</param>
    /// <param name="message">The detail.</param>
    public BadRequestException(int statusCode, string code, string message) : base(message)
    {
        StatusCode = statusCode;
        Code = code;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; } = StatusCodes.Status400BadRequest;

    /// <summary>The error code.</summary>
    public string Code { get; } = Contracts.ErrorCodes.InvalidRequest;
}
