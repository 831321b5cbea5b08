namespace Stackl.Storage;

/// <summary>Options of the PostgreSQL storage, set by <c>UseStacklPostgres</c>.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>The Npgsql connection string. No default: it must be set. It is never logged.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>How many group commits may be in flight at once. Default: 4.</summary>
    public int WriterCount { get; set; } = 4;

    /// <summary>The most writes one group commit takes. Default: 256.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException("The PostgreSQL connection string is empty; the silo takes it from Stackl:Storage:ConnectionString (STACKL_Storage__ConnectionString, or --connection-string), e.g. Host=127.0.0.1;Database=stackl;Username=stackl.");
        }

        if (WriterCount < 1 || MaxBatchSize < 1)
        {
            throw new InvalidOperationException($"PostgreSQL WriterCount ({WriterCount}) and MaxBatchSize ({MaxBatchSize}) must be at least 1.");
        }
    }
}
