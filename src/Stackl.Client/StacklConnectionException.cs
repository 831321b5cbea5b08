namespace Stackl.Client;

/// <summary>The server could not be reached, or the connection failed or timed out before it answered.</summary>
/// <remarks>A submit that fails this way may or may not have been accepted: resubmit with the same idempotency key.</remarks>
public sealed class StacklConnectionException : StacklException
{
    /// <summary>Creates the exception.</summary>
    public StacklConnectionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StacklConnectionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StacklConnectionException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
