namespace Stackl.Testing.Databases;

/// <summary>A SQLite database file in a fresh temp folder, deleted with the folder when disposed.</summary>
public sealed class SqliteDatabase : IDisposable
{
    /// <summary>Creates the folder; the file itself is created by the first connection.</summary>
    public SqliteDatabase()
    {
        Folder = Directory.CreateTempSubdirectory("stackl-sqlite-").FullName;
        Path = System.IO.Path.Combine(Folder, "stackl.db");
    }

    /// <summary>The temp folder.</summary>
    public string Folder { get; }

    /// <summary>The database file path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A connection still open in a killed silo can hold the file for a moment; the temp folder is left behind.
        }
    }
}
