using System.Data.Common;
using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Queries;

namespace Stackl.Storage.Tasks;

/// <summary>Document listings, history and held locks from <c>stackl_documents</c> and <c>stackl_document_history</c>.</summary>
internal sealed class RelationalDocumentIndex(StorageEngine engine) : IDocumentIndex
{
    // Keys hold only [a-z0-9._/-], all below '~', so [prefix, prefix + '~') is exactly the keys with the prefix.
    private const char AboveEveryKeyCharacter = '~';

    public async Task<IReadOnlyList<DocumentView>> ListAsync(string? prefix, string? after, int limit, CancellationToken cancellationToken = default)
    {
        var from = prefix ?? "";
        var lowerBound = after is not null && string.CompareOrdinal(after, from) >= 0 ? after : null;
        var sql = "SELECT key, doc_version, value, owner FROM stackl_documents WHERE value IS NOT NULL AND key >= @from AND key < @to" +
            (lowerBound is null ? "" : " AND key > @after") + " ORDER BY key LIMIT @limit";
        var statement = lowerBound is null
            ? SqlStatement.Of(sql, ("from", from), ("to", from + AboveEveryKeyCharacter), ("limit", limit))
            : SqlStatement.Of(sql, ("from", from), ("to", from + AboveEveryKeyCharacter), ("after", lowerBound), ("limit", limit));
        return await engine.QueryAsync(
            statement,
            reader => new DocumentView(reader.GetString(0), reader.GetInt64(1), ParseJson(reader, 2), reader.IsDBNull(3) ? null : reader.GetString(3)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string key, long? beforeVersion, int limit, CancellationToken cancellationToken = default) =>
        await engine.QueryAsync(
            SqlStatement.Of(
                "SELECT key, version, task_id, value, at FROM stackl_document_history WHERE key = @k AND version < @before ORDER BY version DESC LIMIT @limit",
                ("k", key),
                ("before", beforeVersion ?? long.MaxValue),
                ("limit", limit)),
            MapHistory,
            cancellationToken).ConfigureAwait(false);

    public async Task<HistoryEntry?> GetVersionAsync(string key, long version, CancellationToken cancellationToken = default)
    {
        var rows = await engine.QueryAsync(
            SqlStatement.Of("SELECT key, version, task_id, value, at FROM stackl_document_history WHERE key = @k AND version = @version", ("k", key), ("version", version)),
            MapHistory,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<bool> WasCommittedByAsync(string key, string taskId, CancellationToken cancellationToken = default)
    {
        var rows = await engine.QueryAsync(
            SqlStatement.Of("SELECT 1 FROM stackl_document_history WHERE key = @k AND task_id = @task LIMIT 1", ("k", key), ("task", taskId)),
            _ => true,
            cancellationToken).ConfigureAwait(false);
        return rows.Count > 0;
    }

    public async Task<IReadOnlyList<LockView>> ListLocksAsync(int limit, CancellationToken cancellationToken = default) =>
        await engine.QueryAsync(
            SqlStatement.Of("SELECT key, owner, lease_until FROM stackl_documents WHERE owner IS NOT NULL ORDER BY key LIMIT @limit", ("limit", limit)),
            reader => new LockView(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : UnixMicros.To(reader.GetInt64(2))),
            cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<OrphanedLock>> ListOrphanedLocksAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default) =>
        await engine.QueryAsync(
            SqlStatement.Of(
                "SELECT d.key, d.owner, t.status FROM stackl_documents d JOIN stackl_tasks t ON t.id = d.owner"
                + $" WHERE d.owner IS NOT NULL AND d.lease_until < @before AND t.status NOT IN {RelationalTaskIndex.UnfinishedStatuses} ORDER BY d.key LIMIT @limit",
                ("before", UnixMicros.From(before)),
                ("limit", limit)),
            reader => new OrphanedLock(reader.GetString(0), reader.GetString(1), reader.GetString(2) == nameof(TaskStatus.Completed)),
            cancellationToken).ConfigureAwait(false);

    private static HistoryEntry MapHistory(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), ParseJson(reader, 3), UnixMicros.To(reader.GetInt64(4)));

    private static JsonElement? ParseJson(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        using var document = JsonDocument.Parse(reader.GetString(ordinal));
        return document.RootElement.Clone();
    }
}
