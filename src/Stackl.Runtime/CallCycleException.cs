namespace Stackl.Runtime;

/// <summary>Thrown when a call would wait on an activation that is itself waiting on the caller (A -> B -> A).</summary>
public sealed class CallCycleException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CallCycleException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Names the cycle.</param>
    public CallCycleException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CallCycleException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
