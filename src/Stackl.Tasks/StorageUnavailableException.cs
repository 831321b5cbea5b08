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

    /// <summary>The storage outage behind <paramref name="exception"/>, however Orleans wrapped it on the way from a grain; null when there is none.</summary>
    /// <param name="exception">What a grain call threw.</param>
    public static StorageUnavailableException? FindIn(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is StorageUnavailableException outage)
            {
                return outage;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Select(FindIn).FirstOrDefault(o => o is not null) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }
}
