namespace Stackl.Storage;

/// <summary>Options of the embedded SQLite storage, set by <c>UseStacklSqlite</c>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>The database file. Default: <c>./data/stackl.db</c>, relative to the working directory.</summary>
    public string DataSource { get; set; } = Path.Combine("data", "stackl.db");

    /// <summary>The most writes one group commit takes. Default: 512.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataSource))
        {
            throw new InvalidOperationException("The SQLite file path is empty; the silo takes it from Stackl:Storage:SqlitePath (STACKL_Storage__SqlitePath, or --sqlite-path), e.g. ./data/stackl.db.");
        }

        if (MaxBatchSize < 1)
        {
            throw new InvalidOperationException($"SQLite MaxBatchSize must be at least 1 (it is {MaxBatchSize}).");
        }
    }
}
