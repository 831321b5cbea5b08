namespace Stackl.Tasks;

/// <summary>Thrown by a handler to fail its task with a code (e.g. a failed assert); nothing is committed.</summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskFailedException()
    {
        Code = Contracts.ErrorCodes.HandlerFailed;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TaskFailedException(string message) : base(message)
    {
        Code = Contracts.ErrorCodes.HandlerFailed;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TaskFailedException(string message, Exception innerException) : base(message, innerException)
    {
        Code = Contracts.ErrorCodes.HandlerFailed;
    }

    /// <summary>Creates the exception with a code.</summary>
    /// <param name="code">A code from <see cref="Contracts.ErrorCodes"/>.</param>
    /// <param name="message">What failed.</param>
    public TaskFailedException(string code, string message) : base(message)
    {
        Code = code;
    }

    /// <summary>The error code the task ends with.</summary>
    public string Code { get; }

    /// <summary>True when another attempt may succeed (a step of a flow retries it as its retry policy says); false by default.</summary>
    public bool Retryable { get; init; }
}
