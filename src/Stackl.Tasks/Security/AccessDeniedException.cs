using Stackl.Contracts;

namespace Stackl.Tasks.Security;

/// <summary>The caller's role is not granted what it asked for (403); nothing was changed.</summary>
public sealed class AccessDeniedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AccessDeniedException()
    {
    }

    /// <summary>Creates the exception with a message naming what was refused and the grant that would allow it.</summary>
    /// <param name="message">The message.</param>
    public AccessDeniedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public AccessDeniedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The error code, <see cref="ErrorCodes.Forbidden"/>.</summary>
    public static string Code => ErrorCodes.Forbidden;
}
