namespace Stackl.Tasks;

/// <summary>The engine of record (SQLite or PostgreSQL) cannot be reached now; the operation changed nothing durable and may be retried.</summary>
/// <remarks>The HTTP API answers it with <c>503 Service Unavailable</c> and a <c>Retry-After</c> header.</remarks>
public sealed class StorageUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageUnavailableException()
        : base("The database cannot be reached.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the driver's error.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The driver's error.</param>
    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
