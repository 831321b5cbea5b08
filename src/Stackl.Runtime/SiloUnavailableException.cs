namespace Stackl.Runtime;

/// <summary>Thrown when a call or a store access reaches a silo that is stopped or was killed.</summary>
public sealed class SiloUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SiloUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">Names the silo and its status.</param>
    public SiloUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SiloUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
