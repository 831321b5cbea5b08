namespace Stackl.Client;

/// <summary>The base of every error the SDK raises: the server refused the request, or could not be reached.</summary>
public class StacklException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StacklException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public StacklException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public StacklException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}
