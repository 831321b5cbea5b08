using System.Globalization;
using System.Text.Json;
using Stackl.Tasks;

namespace Stackl.Storage.Tasks;

/// <summary>
/// A grain-state store on a table of its own: the state blob plus columns projected from the state, written by one conditional statement,
/// so the columns can be indexed and queried without waking grains and never disagree with the state.
/// </summary>
/// <typeparam name="TState">The grain state the columns are projected from; Orleans hands it over typed, so a write parses no JSON.</typeparam>
internal abstract class IndexedGrainStateStore<TState> : ITypedGrainStateStore<TState>
    where TState : class
{
    private readonly StorageEngine _engine;
    private readonly string[] _columns;
    private readonly AppendedTable? _appended;
    private readonly string _readSql;
    private readonly string _insertSql;
    private readonly string _updateSql;
    private readonly string _clearSql;

    // With the appended row: SQLite runs it as a follow-up statement; PostgreSQL folds it into the guard (one statement, one round trip).
    private readonly string? _appendSql;
    private readonly string? _insertAndAppendSql;
    private readonly string? _updateAndAppendSql;

    protected IndexedGrainStateStore(StorageEngine engine, string table, string keyColumn, string[] columns, AppendedTable? appended = null)
    {
        _engine = engine;
        _columns = columns;
        _appended = appended;
        _readSql = $"SELECT state, version FROM {table} WHERE {keyColumn} = @k";
        _insertSql = $"INSERT INTO {table} ({keyColumn}, {string.Join(", ", columns)}, state, version) VALUES (@k, {string.Join(", ", columns.Select(c => "@" + c))}, @p, 1) ON CONFLICT DO NOTHING RETURNING version";
        _updateSql = $"UPDATE {table} SET {string.Join(", ", columns.Select(c => $"{c} = @{c}"))}, state = @p, version = version + 1 WHERE {keyColumn} = @k AND version = @v RETURNING version";
        _clearSql = $"UPDATE {table} SET state = NULL, version = version + 1 WHERE {keyColumn} = @k AND version = @v RETURNING version";
        if (appended is not null)
        {
            var appendColumns = string.Join(", ", appended.Columns.Select(c => c.Column));
            _appendSql = $"INSERT INTO {appended.Table} ({appendColumns}) VALUES ({string.Join(", ", appended.Columns.Select(c => "@a_" + c.Column))}) ON CONFLICT DO NOTHING";

            // The row is selected from the guard's RETURNING, so it is inserted only when the guard matched.
            var appendFromGuard = $"INSERT INTO {appended.Table} ({appendColumns}) SELECT {string.Join(", ", appended.Columns.Select(c => $"@a_{c.Column}::{c.PostgresType}"))} FROM guard ON CONFLICT DO NOTHING";
            _insertAndAppendSql = $"WITH guard AS ({_insertSql}), appended AS ({appendFromGuard}) SELECT version FROM guard";
            _updateAndAppendSql = $"WITH guard AS ({_updateSql}), appended AS ({appendFromGuard}) SELECT version FROM guard";
        }
    }

    /// <inheritdoc />
    public async Task<GrainStateRecord?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default)
    {
        var rows = await _engine.QueryAsync(
            SqlStatement.Of(_readSql, ("k", key.GrainKey)),
            reader => new GrainStateRecord(reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0), reader.GetInt64(1)),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<long> WriteAsync(GrainStateKey key, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var state = JsonSerializer.Deserialize<TState>(payload.Span, GrainJson.Options) ?? throw new ArgumentException($"The state of {key} is JSON null.", nameof(payload));
        return WriteAsync(key, state, payload, expectedVersion, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> WriteAsync(GrainStateKey key, TState state, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var values = ColumnValues(state);
        var appendedValues = _appended is null ? null : AppendedValues(key.GrainKey, state);
        var parameters = new List<KeyValuePair<string, object?>>(values.Length + 3 + (appendedValues?.Length ?? 0)) { KeyValuePair.Create("k", (object?)key.GrainKey) };
        for (var i = 0; i < _columns.Length; i++)
        {
            parameters.Add(KeyValuePair.Create(_columns[i], values[i]));
        }

        parameters.Add(KeyValuePair.Create("p", (object?)payload.ToArray()));
        if (expectedVersion != 0)
        {
            parameters.Add(KeyValuePair.Create("v", (object?)expectedVersion));
        }

        if (appendedValues is null)
        {
            return WriteCoreAsync(key, new SqlStatement(expectedVersion == 0 ? _insertSql : _updateSql, parameters), [], expectedVersion);
        }

        var appendParameters = new List<KeyValuePair<string, object?>>(appendedValues.Length);
        for (var i = 0; i < appendedValues.Length; i++)
        {
            appendParameters.Add(KeyValuePair.Create("a_" + _appended!.Columns[i].Column, appendedValues[i]));
        }

        if (_engine.Dialect == StorageDialect.Postgres)
        {
            parameters.AddRange(appendParameters);
            return WriteCoreAsync(key, new SqlStatement(expectedVersion == 0 ? _insertAndAppendSql! : _updateAndAppendSql!, parameters), [], expectedVersion);
        }

        // SQLite runs in process: a follow-up statement in the guard's transaction costs no round trip.
        return WriteCoreAsync(key, new SqlStatement(expectedVersion == 0 ? _insertSql : _updateSql, parameters), [new SqlStatement(_appendSql!, appendParameters)], expectedVersion);
    }

    /// <inheritdoc />
    public Task<long> ClearAsync(GrainStateKey key, long expectedVersion, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(key, SqlStatement.Of(_clearSql, ("k", key.GrainKey), ("v", expectedVersion)), [], expectedVersion);

    /// <summary>The projected column values, in the order of the columns given to the constructor.</summary>
    protected abstract object?[] ColumnValues(TState state);

    /// <summary>The values of the row this write appends to the <see cref="AppendedTable"/>, in its column order, or null for none.</summary>
    /// <remarks>The row is inserted in the same transaction when the state write succeeds; a row whose key is already there is left as it is.</remarks>
    protected virtual object?[]? AppendedValues(string key, TState state) => null;

    private async Task<long> WriteCoreAsync(GrainStateKey key, SqlStatement guard, SqlStatement[] followUps, long expectedVersion)
    {
        var version = await _engine.Writer.WriteAsync(guard, followUps).ConfigureAwait(false);
        return version is null
            ? throw StaleWrite.Exception(key, expectedVersion)
            : Convert.ToInt64(version, CultureInfo.InvariantCulture);
    }

    /// <summary>A table a state write may append one row to (insert-if-absent, in the write's transaction).</summary>
    /// <param name="Table">The table.</param>
    /// <param name="Columns">Each column with its PostgreSQL type.</param>
    protected sealed record AppendedTable(string Table, IReadOnlyList<(string Column, string PostgresType)> Columns);
}
