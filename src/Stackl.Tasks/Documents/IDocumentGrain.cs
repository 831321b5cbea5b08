using System.Text.Json;
using Stackl.Contracts;
using Stackl.Runtime;

namespace Stackl.Tasks.Documents;

/// <summary>One JSON document: committed value, version, the lock of one task at a time, and the staged value of that task.</summary>
[GrainType("document")]
public interface IDocumentGrain : IGrainWithStringKey
{
    /// <summary>The last committed value; never another task's staged value.</summary>
    [AlwaysInterleave]
    Task<DocumentView> ReadAsync();

    /// <summary>Grants the lock to <paramref name="taskId"/> when it is free and the task is first in line (FIFO); granting is one durable write.</summary>
    /// <param name="taskId">The task asking.</param>
    /// <param name="leaseUntil">When the lock expires if the task never releases it.</param>
    Task<DocumentLockResult> LockAsync(string taskId, DateTimeOffset leaseUntil);

    /// <summary>Stages a value (null deletes) for the lock owner; durable when it returns.</summary>
    /// <param name="taskId">The owner.</param>
    /// <param name="value">The new value, or null to delete.</param>
    Task StageAsync(string taskId, JsonElement? value);

    /// <summary>Commits the owner's staged value (a new version in history) and unlocks; does nothing when the task no longer owns the lock.</summary>
    /// <param name="taskId">The owner.</param>
    Task CommitAsync(string taskId);

    /// <summary>Discards the owner's staged value and unlocks; does nothing when the task does not own the lock.</summary>
    /// <param name="taskId">The owner.</param>
    Task ReleaseAsync(string taskId);
}
