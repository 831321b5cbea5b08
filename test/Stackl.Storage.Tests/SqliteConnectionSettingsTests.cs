using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Stackl.Testing.Databases;

namespace Stackl.Storage.Tests;

/// <summary>Every SQLite connection the engine hands out runs with synchronous=FULL, whatever the pool hands it.</summary>
public sealed class SqliteConnectionSettingsTests : IDisposable
{
    private const int Connections = 4;

    private readonly SqliteDatabase _database = new();

    [Fact]
    public async Task OpenConnectionAsync_PooledConnectionsLeftWithSynchronousOff_HandsThemOutWithFull()
    {
        await using var engine = StorageEngine.CreateSqlite(new SqliteStorageOptions { DataSource = _database.Path }, [], NullLogger.Instance);
        await engine.EnsureReadyAsync();

        // SQLite's default is FULL, so first leave the pool's physical connections at OFF behind the engine's back.
        var raw = new List<DbConnection>();
        for (var i = 0; i < Connections; i++)
        {
            var connection = await engine.DataSource.OpenConnectionAsync();
            await ExecuteAsync(connection, "PRAGMA synchronous=OFF");
            raw.Add(connection);
        }

        foreach (var connection in raw)
        {
            await connection.DisposeAsync();
        }

        // Then take them again through the engine, twice: once new to it, once already known to it.
        for (var round = 0; round < 2; round++)
        {
            var opened = new List<DbConnection>();
            for (var i = 0; i < Connections; i++)
            {
                opened.Add(await engine.OpenConnectionAsync());
            }

            foreach (var connection in opened)
            {
                var synchronous = Convert.ToInt64(await ExecuteAsync(connection, "PRAGMA synchronous"), CultureInfo.InvariantCulture);
                Assert.True(synchronous == 2, $"round {round}: a connection from OpenConnectionAsync has synchronous={synchronous}, expected 2 (FULL)");
                await connection.DisposeAsync();
            }
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _database.Dispose();
    }

    private static async Task<object?> ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
