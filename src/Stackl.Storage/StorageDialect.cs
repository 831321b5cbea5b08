namespace Stackl.Storage;

/// <summary>The database engine a store talks to; the few places where SQL differs switch on it.</summary>
public enum StorageDialect
{
    /// <summary>SQLite: embedded, one silo, one writer.</summary>
    Sqlite,

    /// <summary>PostgreSQL: the distributed engine of record.</summary>
    Postgres,
}
