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
/// <typeparam name="TState">The grain state type.</typeparam>
internal abstract class IndexedGrainStateStore<TState> : IGrainStateStore
    where TState : class
{
    private readonly StorageEngine _engine;
    private readonly JsonTypeInfo<TState> _typeInfo;
    private readonly string[] _columns;
    private readonly string _readSql;
    private readonly string _insertSql;
    private readonly string _updateSql;
    private readonly string _clearSql;

    protected IndexedGrainStateStore(StorageEngine engine, JsonTypeInfo<TState> typeInfo, string table, string keyColumn, params string[] columns)
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

        return WriteCoreAsync(key, new SqlStatement(expectedVersion == 0 ? _insertSql : _updateSql, parameters), FollowUps(key.GrainKey, state), expectedVersion);
    }

    /// <inheritdoc />
    public Task<long> ClearAsync(GrainStateKey key, long expectedVersion, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(key, SqlStatement.Of(_clearSql, ("k", key.GrainKey), ("v", expectedVersion)), [], expectedVersion);

    /// <summary>The projected column values, in the order of the columns given to the constructor.</summary>
    protected abstract object?[] ColumnValues(TState state);

    /// <summary>Statements that run in the same transaction when the state write succeeds.</summary>
    protected virtual SqlStatement[] FollowUps(string key, TState state) => [];

    private async Task<long> WriteCoreAsync(GrainStateKey key, SqlStatement guard, SqlStatement[] followUps, long expectedVersion)
    {
        var version = await _engine.Writer.WriteAsync(guard, followUps).ConfigureAwait(false);
        return version is null
            ? throw InconsistentStateException.Create(key.ToString(), expectedVersion, storedVersion: null)
            : Convert.ToInt64(version, CultureInfo.InvariantCulture);
    }
}
