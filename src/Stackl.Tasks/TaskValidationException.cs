namespace Stackl.Tasks;

/// <summary>A request was rejected before anything was stored: unknown topic, wrong payload, bad key or timeout.</summary>
public sealed class TaskValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskValidationException()
    {
        Code = "invalid_request";
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TaskValidationException(string message) : base(message)
    {
        Code = "invalid_request";
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TaskValidationException(string message, Exception innerException) : base(message, innerException)
    {
        Code = "invalid_request";
    }

    /// <summary>Creates the exception with a code and a message naming the field.</summary>
    /// <param name="code">A code from <see cref="Contracts.ErrorCodes"/>.</param>
    /// <param name="message">A sentence naming the field and the fix.</param>
    public TaskValidationException(string code, string message) : base(message)
    {
        Code = code;
    }

    /// <summary>The error code.</summary>
    public string Code { get; }
}
