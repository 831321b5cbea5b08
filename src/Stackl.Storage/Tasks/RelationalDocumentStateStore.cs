using Stackl.Tasks;
using Stackl.Tasks.Documents;

namespace Stackl.Storage.Tasks;

/// <summary>Document grain state in <c>stackl_documents</c>; a commit also appends its version to <c>stackl_document_history</c> in the same transaction.</summary>
internal sealed class RelationalDocumentStateStore(StorageEngine engine)
    : IndexedGrainStateStore<DocumentState>(engine, TasksJsonContext.Default.DocumentState, "stackl_documents", "key", "doc_version", "value", "owner", "lease_until")
{
    private const string AppendHistorySql =
        "INSERT INTO stackl_document_history (key, version, task_id, value, at) VALUES (@k, @version, @task, @value, @at) ON CONFLICT DO NOTHING";

    protected override object?[] ColumnValues(DocumentState state) =>
    [
        state.Version,
        state.Value?.GetRawText(),
        state.Owner,
        UnixMicros.From(state.LeaseUntil),
    ];

    // Insert-if-absent: writes that did not commit (lock, stage) find the version already there and change nothing.
    protected override SqlStatement[] FollowUps(string key, DocumentState state) =>
        state is { Version: > 0, CommittedBy: { } task, CommittedAt: { } at }
            ? [SqlStatement.Of(AppendHistorySql, ("k", key), ("version", state.Version), ("task", task), ("value", state.Value?.GetRawText()), ("at", UnixMicros.From(at)))]
            : [];
}
