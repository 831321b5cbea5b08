namespace Stackl.Storage;

/// <summary>Options of the PostgreSQL storage. Bound from <c>Stackl:Storage:Postgres</c>.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>The environment variable that sets <see cref="ConnectionString"/>.</summary>
    public const string ConnectionStringEnvironmentVariable = "STACKL_CONNECTION_STRING";

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
            throw new InvalidOperationException($"Stackl:Storage:Postgres:ConnectionString is empty; set it (or {ConnectionStringEnvironmentVariable}), e.g. Host=127.0.0.1;Database=stackl;Username=stackl.");
        }

        if (WriterCount < 1 || MaxBatchSize < 1)
        {
            throw new InvalidOperationException($"Stackl:Storage:Postgres:WriterCount ({WriterCount}) and MaxBatchSize ({MaxBatchSize}) must be at least 1.");
        }
    }
}
