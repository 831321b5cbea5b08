using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Stackl.Storage;

/// <summary>Applies numbered schema scripts in name order under a database lock, recording each in <c>stackl_schema_versions</c>.</summary>
/// <remarks>Concurrent migrators (silos starting together) serialise on the lock; a script runs once per database.</remarks>
public sealed class SchemaMigrator
{
    private const long PostgresLockKey = 0x5374_61636b_6c;
    private readonly StorageEngine _engine;
    private readonly IReadOnlyList<ISchemaScriptSource> _sources;
    private readonly ILogger _logger;

    /// <summary>Creates a migrator.</summary>
    /// <param name="engine">The database.</param>
    /// <param name="sources">Where the scripts come from.</param>
    /// <param name="logger">The storage logger.</param>
    public SchemaMigrator(StorageEngine engine, IEnumerable<ISchemaScriptSource> sources, ILogger logger)
    {
        _engine = engine;
        _sources = [.. sources];
        _logger = logger;
    }

    /// <summary>Applies every script not yet applied and returns their names.</summary>
    /// <param name="cancellationToken">Cancels the migration (the current script's transaction rolls back).</param>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var scripts = _sources.SelectMany(s => s.GetScripts(_engine.Dialect)).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var duplicate = scripts.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two schema scripts are named '{duplicate.Key}'; give each script a unique number.");
        }

        await using var connection = await _engine.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var applied = new List<string>();
        if (_engine.Dialect == StorageDialect.Sqlite)
        {
            // WAL lets readers run beside the one writer; it is a property of the file, set once.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }

        await using var transaction = await BeginLockedAsync(connection, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS stackl_schema_versions (script TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)", cancellationToken).ConfigureAwait(false);
        var done = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT script FROM stackl_schema_versions";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                done.Add(reader.GetString(0));
            }
        }

        foreach (var script in scripts.Where(s => !done.Contains(s.Name)))
        {
            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken).ConfigureAwait(false);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO stackl_schema_versions (script, applied_at) VALUES (@script, @at)";
            AddParameter(record, "script", script.Name);
            AddParameter(record, "at", TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(script.Name);
            StorageLog.SchemaScriptApplied(_logger, script.Name, _engine.Dialect);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return applied;
    }

    internal static void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<DbTransaction> BeginLockedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite begins IMMEDIATE transactions: the write lock is taken at once, so two migrators never interleave.
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (_engine.Dialect == StorageDialect.Postgres)
        {
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken).ConfigureAwait(false);
        }

        return transaction;
    }
}
