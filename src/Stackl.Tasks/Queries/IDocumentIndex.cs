using Stackl.Contracts;

namespace Stackl.Tasks.Queries;

/// <summary>Reads documents and their history from the database (served by its indexes, without waking document grains).</summary>
public interface IDocumentIndex
{
    /// <summary>Lists existing documents in key order whose key starts with <paramref name="prefix"/>, after the cursor <paramref name="after"/>.</summary>
    /// <param name="prefix">A key prefix such as <c>environment/</c>, or null for all.</param>
    /// <param name="after">The cursor: only keys greater than this one (the previous page's last key).</param>
    /// <param name="limit">The most documents returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<DocumentView>> ListAsync(string? prefix, string? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Lists a document's committed versions newest first, below <paramref name="beforeVersion"/> when given.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="beforeVersion">The cursor: only versions below this one.</param>
    /// <param name="limit">The most entries returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<HistoryEntry>> HistoryAsync(string key, long? beforeVersion, int limit, CancellationToken cancellationToken = default);

    /// <summary>One committed version of a document, or null.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<HistoryEntry?> GetVersionAsync(string key, long version, CancellationToken cancellationToken = default);

    /// <summary>True when <paramref name="taskId"/> committed a version of the document.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<bool> WasCommittedByAsync(string key, string taskId, CancellationToken cancellationToken = default);

    /// <summary>Lists held locks in key order.</summary>
    /// <param name="limit">The most locks returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<LockView>> ListLocksAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Locks whose lease ended before <paramref name="before"/> while their owner task is final, in key order.</summary>
    /// <remarks>Only a final owner's outcome is certain from the tables; a lock of an unfinished task is freed by the task itself.</remarks>
    /// <param name="before">The cut-off.</param>
    /// <param name="limit">The most locks returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<OrphanedLock>> ListOrphanedLocksAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken = default);
}

/// <summary>A document lock left behind by a task that is already final.</summary>
/// <param name="Key">The document key.</param>
/// <param name="Owner">The final task still recorded as the lock's owner.</param>
/// <param name="OwnerCompleted">True when the owner completed (its staged value, if any, is committed), false when it did not (discarded).</param>
public sealed record OrphanedLock(string Key, string Owner, bool OwnerCompleted);
