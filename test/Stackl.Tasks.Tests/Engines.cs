
using Stackl.Storage;
using Stackl.Testing.Databases;

namespace Stackl.Tasks.Tests;

/// <summary>A fresh database of one engine for one test, as the storage choice of a test silo.</summary>
public interface IEngineUnderTest : IDisposable
{
    /// <summary>Creates the database and returns the silo's storage choice (the same database on every restart).</summary>
    Task<Action<ISiloBuilder>> CreateAsync();
}

public sealed class SqliteUnderTest : IEngineUnderTest
{
    private readonly SqliteDatabase _database = new();

    public Task<Action<ISiloBuilder>> CreateAsync() =>
        Task.FromResult<Action<ISiloBuilder>>(silo => silo.UseStacklSqlite(o => o.DataSource = _database.Path));

    public void Dispose() => _database.Dispose();
}

public sealed class PostgresUnderTest : IEngineUnderTest
{
    public async Task<Action<ISiloBuilder>> CreateAsync()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("tasks");
        return silo => silo.UseStacklPostgres(o => o.ConnectionString = connectionString);
    }

    public void Dispose()
    {
    }
}
