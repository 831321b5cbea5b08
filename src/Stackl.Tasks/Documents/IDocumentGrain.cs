using Stackl.Tasks.Queries;
using System.Text.Json;
using Stackl.Contracts;
using Orleans.Concurrency;

namespace Stackl.Tasks.Documents;

/// <summary>One JSON document: committed value, version, the lock of one task at a time, and the staged value of that task.</summary>
public interface IDocumentGrain : IGrainWithStringKey
{
    /// <summary>The last committed value; never another task's staged value.</summary>
    [AlwaysInterleave]
    Task<DocumentView> ReadAsync();

    /// <summary>Grants the lock to <paramref name="taskId"/> when it is free and the task is first in line, else queues it (FIFO).</summary>
    /// <remarks>Granting is one durable write. A queued task is handed the lock when it frees and told through <see cref="Execution.ITaskExecutionGrain.LockGrantedAsync"/>.</remarks>
    /// <param name="taskId">The task asking.</param>
    /// <param name="leaseUntil">When the lock expires if the task never releases it.</param>
    Task<DocumentLockResult> LockAsync(string taskId, DateTimeOffset leaseUntil);

    /// <summary>Stages a value (null deletes) for the lock owner; durable when it returns; false when the task does not hold the lock.</summary>
    /// <param name="taskId">The owner.</param>
    /// <param name="value">The new value, or null to delete.</param>
    Task<bool> StageAsync(string taskId, JsonElement? value);

    /// <summary>Commits the owner's staged value (a new version in history) and unlocks; does nothing when the task no longer owns the lock.</summary>
    /// <param name="taskId">The owner.</param>
    Task CommitAsync(string taskId);

    /// <summary>One-phase commit: commits <paramref name="value"/> for the owner and unlocks in one write; false when the task does not hold the lock.</summary>
    /// <param name="taskId">The owner.</param>
    /// <param name="value">The new value, or null to delete.</param>
    Task<bool> CommitValueAsync(string taskId, JsonElement? value);

    /// <summary>Discards the owner's staged value and unlocks, or takes a waiting task out of the queue; otherwise does nothing.</summary>
    /// <param name="taskId">The task.</param>
    Task ReleaseAsync(string taskId);

    /// <summary>True when <paramref name="taskId"/> committed a version of this document (recovery of a one-phase commit).</summary>
    /// <param name="taskId">The task.</param>
    Task<bool> WasCommittedByAsync(string taskId);

    /// <summary>For the deadline sweep: frees a lock its final owner left behind, committing its staged value when the owner completed.</summary>
    /// <param name="orphaned">The lock and its owner's outcome, as stored.</param>
    Task ReleaseOrphanedLockAsync(OrphanedLock orphaned);

    /// <summary>The tasks waiting for the lock, first in line first.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> GetWaitingAsync();
}
