
namespace Stackl.Storage;

/// <summary>Grain state in SQLite or PostgreSQL, written through the engine's group commit.</summary>
/// <remarks>
/// Each write is a conditional statement (insert-if-absent for version 0, update-where-version otherwise), so a stale
/// write fails alone without failing its batch. A caller's task completes only after its batch committed.
/// </remarks>
public sealed class RelationalGrainStateStore(StorageEngine engine) : IGrainStateStore
{
    private const string InsertSql = "INSERT INTO stackl_grain_state (grain_type, grain_key, state_name, payload, version) VALUES (@t, @k, @n, @p, 1) ON CONFLICT DO NOTHING RETURNING version";
    private const string UpdateSql = "UPDATE stackl_grain_state SET payload = @p, version = version + 1 WHERE grain_type = @t AND grain_key = @k AND state_name = @n AND version = @v RETURNING version";

    /// <inheritdoc />
    public async Task<GrainStateRecord?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default)
    {
        var rows = await engine.QueryAsync(
            SqlStatement.Of("SELECT payload, version FROM stackl_grain_state WHERE grain_type = @t AND grain_key = @k AND state_name = @n", ("t", key.GrainType), ("k", key.GrainKey), ("n", key.StateName)),
            reader => new GrainStateRecord(reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0), reader.GetInt64(1)),
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<long> WriteAsync(GrainStateKey key, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(key, payload.ToArray(), expectedVersion);

    /// <inheritdoc />
    public Task<long> ClearAsync(GrainStateKey key, long expectedVersion, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(key, null, expectedVersion);

    private async Task<long> WriteCoreAsync(GrainStateKey key, byte[]? payload, long expectedVersion)
    {
        var statement = expectedVersion == 0
            ? SqlStatement.Of(InsertSql, ("t", key.GrainType), ("k", key.GrainKey), ("n", key.StateName), ("p", payload))
            : SqlStatement.Of(UpdateSql, ("t", key.GrainType), ("k", key.GrainKey), ("n", key.StateName), ("p", payload), ("v", expectedVersion));
        var version = await engine.Writer.WriteAsync(statement).ConfigureAwait(false);
        return version is null
            ? throw StaleWrite.Exception(key, expectedVersion)
            : Convert.ToInt64(version, System.Globalization.CultureInfo.InvariantCulture);
    }
}
