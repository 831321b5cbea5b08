using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Stackl.Runtime;
using Stackl.Runtime.Storage;

namespace Stackl.Storage.Tasks;

/// <summary>
/// A grain-state store on a table of its own: the state blob plus columns projected from the state, written by one conditional statement,
/// so the columns can be indexed and queried without waking grains and never disagree with the state.
/// </summary>
/// <typeparam name="TColumns">The properties of the state JSON the columns come from; the others are skipped when a write is projected.</typeparam>
internal abstract class IndexedGrainStateStore<TColumns> : IGrainStateStore
    where TColumns : class
{
    private readonly StorageEngine _engine;
    private readonly JsonTypeInfo<TColumns> _typeInfo;
    private readonly string[] _columns;
    private readonly string _readSql;
    private readonly string _insertSql;
    private readonly string _updateSql;
    private readonly string _clearSql;

    protected IndexedGrainStateStore(StorageEngine engine, JsonTypeInfo<TColumns> typeInfo, string table, string keyColumn, params string[] columns)
    {
        _engine = engine;
        _typeInfo = typeInfo;
        _columns = columns;
        _readSql = $"SELECT state, version FROM {table} WHERE {keyColumn} = @k";
        _insertSql = $"INSERT INTO {table} ({keyColumn}, {string.Join(", ", columns)}, state, version) VALUES (@k, {string.Join(", ", columns.Select(c => "@" + c))}, @p, 1) ON CONFLICT DO NOTHING RETURNING version";
        _updateSql = $"UPDATE {table} SET {string.Join(", ", columns.Select(c => $"{c} = @{c}"))}, state = @p, version = version + 1 WHERE {keyColumn} = @k AND version = @v RETURNING version";
        _clearSql = $"UPDATE {table} SET state = NULL, version = version + 1 WHERE {keyColumn} = @k AND version = @v RETURNING version";
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
        var state = JsonSerializer.Deserialize(payload.Span, _typeInfo) ?? throw new ArgumentException($"The state of {key} is JSON null.", nameof(payload));
        var values = ColumnValues(state);
        var parameters = new List<KeyValuePair<string, object?>>(values.Length + 3) { KeyValuePair.Create("k", (object?)key.GrainKey) };
        for (var i = 0; i < _columns.Length; i++)
        {
            parameters.Add(KeyValuePair.Create(_columns[i], values[i]));
        }

        parameters.Add(KeyValuePair.Create("p", (object?)payload.ToArray()));
        if (expectedVersion != 0)
        {
            parameters.Add(KeyValuePair.Create("v", (object?)expectedVersion));
        }

        var guardSql = expectedVersion == 0 ? _insertSql : _updateSql;
        var rows = AppendedRows(key.GrainKey, state);
        if (rows.Length == 0)
        {
            return WriteCoreAsync(key, new SqlStatement(guardSql, parameters), [], expectedVersion);
        }

        if (_engine.Dialect == StorageDialect.Postgres)
        {
            // One statement: the rows are inserted from the guard's RETURNING, so they land only when the guard matched,
            // and the group commit stays one round trip.
            var sql = new System.Text.StringBuilder("WITH guard AS (").Append(guardSql).Append(')');
            for (var i = 0; i < rows.Length; i++)
            {
                sql.Append(", appended").Append(i).Append(" AS (").Append(rows[i].InsertSql($"r{i}_", fromGuard: true)).Append(')');
                rows[i].AddParameters($"r{i}_", parameters);
            }

            sql.Append(" SELECT version FROM guard");
            return WriteCoreAsync(key, new SqlStatement(sql.ToString(), parameters), [], expectedVersion);
        }

        // SQLite runs in process: follow-up statements in the guard's transaction cost no round trip.
        var followUps = new SqlStatement[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var rowParameters = new List<KeyValuePair<string, object?>>(rows[i].Values.Count);
            rows[i].AddParameters("", rowParameters);
            followUps[i] = new SqlStatement(rows[i].InsertSql("", fromGuard: false), rowParameters);
        }

        return WriteCoreAsync(key, new SqlStatement(guardSql, parameters), followUps, expectedVersion);
    }

    /// <inheritdoc />
    public Task<long> ClearAsync(GrainStateKey key, long expectedVersion, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(key, SqlStatement.Of(_clearSql, ("k", key.GrainKey), ("v", expectedVersion)), [], expectedVersion);

    /// <summary>The projected column values, in the order of the columns given to the constructor.</summary>
    protected abstract object?[] ColumnValues(TColumns state);

    /// <summary>Rows inserted in the same transaction when the state write succeeds; a row whose key is already there is left as it is.</summary>
    protected virtual AppendedRow[] AppendedRows(string key, TColumns state) => [];

    private async Task<long> WriteCoreAsync(GrainStateKey key, SqlStatement guard, SqlStatement[] followUps, long expectedVersion)
    {
        var version = await _engine.Writer.WriteAsync(guard, followUps).ConfigureAwait(false);
        return version is null
            ? throw InconsistentStateException.Create(key.ToString(), expectedVersion, storedVersion: null)
            : Convert.ToInt64(version, CultureInfo.InvariantCulture);
    }

    /// <summary>A row a state write appends to another table (insert-if-absent, in the write's transaction).</summary>
    /// <param name="Table">The table.</param>
    /// <param name="Values">Column, PostgreSQL type and value of each column.</param>
    protected sealed record AppendedRow(string Table, IReadOnlyList<(string Column, string PostgresType, object? Value)> Values)
    {
        /// <summary>The insert; <paramref name="fromGuard"/> selects the values from the <c>guard</c> CTE's row so they land only when it matched.</summary>
        public string InsertSql(string parameterPrefix, bool fromGuard)
        {
            var columns = string.Join(", ", Values.Select(v => v.Column));
            return fromGuard
                ? $"INSERT INTO {Table} ({columns}) SELECT {string.Join(", ", Values.Select(v => $"@{parameterPrefix}{v.Column}::{v.PostgresType}"))} FROM guard ON CONFLICT DO NOTHING"
                : $"INSERT INTO {Table} ({columns}) VALUES ({string.Join(", ", Values.Select(v => $"@{parameterPrefix}{v.Column}"))}) ON CONFLICT DO NOTHING";
        }

        public void AddParameters(string parameterPrefix, List<KeyValuePair<string, object?>> parameters)
        {
            foreach (var (column, _, value) in Values)
            {
                parameters.Add(KeyValuePair.Create(parameterPrefix + column, value));
            }
        }
    }
}
