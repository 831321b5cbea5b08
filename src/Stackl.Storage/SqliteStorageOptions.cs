namespace Stackl.Storage;

/// <summary>Options of the embedded SQLite storage. Bound from <c>Stackl:Storage:Sqlite</c>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The environment variable that overrides <see cref="DataSource"/>.</summary>
    public const string DataSourceEnvironmentVariable = "STACKL_SQLITE_PATH";

    /// <summary>The database file. Default: <c>./data/stackl.db</c>, relative to the working directory.</summary>
    public string DataSource { get; set; } = Path.Combine("data", "stackl.db");

    /// <summary>The most writes one group commit takes. Default: 512.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataSource))
        {
            throw new InvalidOperationException($"Stackl:Storage:Sqlite:DataSource is empty; set it (or {DataSourceEnvironmentVariable}) to a file path such as ./data/stackl.db.");
        }

        if (MaxBatchSize < 1)
        {
            throw new InvalidOperationException($"Stackl:Storage:Sqlite:MaxBatchSize must be at least 1 (it is {MaxBatchSize}).");
        }
    }
}
