using Stackl.Tasks.Execution;

namespace Stackl.Storage.Tasks;

/// <summary>Task grain state in <c>stackl_tasks</c>, with status, topic, times, deadline, silo and source as indexed columns.</summary>
internal sealed class RelationalTaskStateStore(StorageEngine engine)
    : IndexedGrainStateStore<TaskState>(engine, "stackl_tasks", "id", ["topic", "subtype", "status", "created_at", "completed_at", "deadline", "silo_address", "source"])
{
    protected override object?[] ColumnValues(TaskState state) =>
    [
        state.Submission?.Topic ?? "",
        state.Submission?.Subtype ?? "",
        state.Status.ToString(),
        UnixMicros.From(state.Created),
        UnixMicros.From(state.Completed),
        state.Submission is null ? null : UnixMicros.From(state.Deadline),
        state.SiloAddress,
        state.Submission?.Source,
    ];
}
