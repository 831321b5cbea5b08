namespace Stackl.Runtime;

/// <summary>Thrown to a caller when a grain call did not finish within the call timeout.</summary>
public sealed class GrainCallTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public GrainCallTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Names the grain, the method and the timeout.</param>
    public GrainCallTimeoutException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public GrainCallTimeoutException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
