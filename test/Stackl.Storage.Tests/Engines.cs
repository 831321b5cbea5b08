using Microsoft.Extensions.Logging.Abstractions;
using Stackl.Testing.Databases;

namespace Stackl.Storage.Tests;

/// <summary>Makes fresh databases of one engine for a contract suite.</summary>
public interface IEngineFactory
{
    /// <summary>Creates an engine over a new, empty database.</summary>
    Task<Func<StorageEngine>> CreateDatabaseAsync();
}

public sealed class SqliteEngines : IEngineFactory, IDisposable
{
    private readonly List<SqliteDatabase> _databases = [];

    public Task<Func<StorageEngine>> CreateDatabaseAsync()
    {
        var database = new SqliteDatabase();
        _databases.Add(database);
        return Task.FromResult<Func<StorageEngine>>(() => StorageEngine.CreateSqlite(new SqliteStorageOptions { DataSource = database.Path }, [], NullLogger.Instance));
    }

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }
}

public sealed class PostgresEngines : IEngineFactory
{
    public async Task<Func<StorageEngine>> CreateDatabaseAsync()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("storage");
        return () => StorageEngine.CreatePostgres(new PostgresStorageOptions { ConnectionString = connectionString }, [], NullLogger.Instance);
    }
}
