using Stackl.Tasks.Documents;

namespace Stackl.Storage.Tasks;

/// <summary>Document grain state in <c>stackl_documents</c>; a commit also appends its version to <c>stackl_document_history</c> in the same transaction.</summary>
internal sealed class RelationalDocumentStateStore(StorageEngine engine)
    : IndexedGrainStateStore<DocumentState>(
        engine,
        "stackl_documents",
        "key",
        ["doc_version", "value", "owner", "lease_until"],
        new AppendedTable("stackl_document_history", [("key", "text"), ("version", "bigint"), ("task_id", "text"), ("value", "text"), ("at", "bigint")]))
{
    protected override object?[] ColumnValues(DocumentState state) =>
    [
        state.Version,
        ValueText(state),
        state.Owner,
        UnixMicros.From(state.LeaseUntil),
    ];

    // Insert-if-absent: writes that did not commit (lock, stage) find the version already there and change nothing.
    protected override object?[]? AppendedValues(string key, DocumentState state) =>
        state is { Version: > 0, CommittedBy: { } task, CommittedAt: { } at }
            ? [key, state.Version, task, ValueText(state), UnixMicros.From(at)]
            : null;

    // The stored JSON text of the committed value; a deleted document (no value) is null, as JSON null was before.
    private static string? ValueText(DocumentState state) => state.Value is { ValueKind: not System.Text.Json.JsonValueKind.Null } value ? value.GetRawText() : null;
}
