namespace Stackl.Runtime.Storage;

/// <summary>Durable reminder rows keyed by (grain type, grain key, name) and indexed by due time.</summary>
public interface IReminderStore
{
    /// <summary>Inserts or replaces a reminder with attempt 0 and returns its new version.</summary>
    /// <param name="grain">The owning grain.</param>
    /// <param name="name">The reminder name.</param>
    /// <param name="dueAt">The first due time.</param>
    /// <param name="period">The period, or null for one shot.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<long> UpsertAsync(GrainId grain, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken = default);

    /// <summary>Reads one reminder, or null.</summary>
    /// <param name="grain">The owning grain.</param>
    /// <param name="name">The reminder name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<ReminderEntry?> GetAsync(GrainId grain, string name, CancellationToken cancellationToken = default);

    /// <summary>Lists every reminder of a grain.</summary>
    /// <param name="grain">The owning grain.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<ReminderEntry>> GetForGrainAsync(GrainId grain, CancellationToken cancellationToken = default);

    /// <summary>Lists reminders due at or before <paramref name="dueBefore"/>, earliest first, at most <paramref name="limit"/>.</summary>
    /// <param name="dueBefore">The horizon (inclusive).</param>
    /// <param name="limit">The most rows returned.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<ReminderEntry>> GetDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>Moves a reminder to a new due time and attempt count if its version is still <paramref name="expectedVersion"/>.</summary>
    /// <returns>The new version, or null when the row changed or vanished meanwhile.</returns>
    /// <param name="grain">The owning grain.</param>
    /// <param name="name">The reminder name.</param>
    /// <param name="expectedVersion">The version the caller read.</param>
    /// <param name="dueAt">The new due time.</param>
    /// <param name="attempt">The new attempt count.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<long?> RescheduleAsync(GrainId grain, string name, long expectedVersion, DateTimeOffset dueAt, int attempt, CancellationToken cancellationToken = default);

    /// <summary>Deletes a reminder; with <paramref name="expectedVersion"/> only if the row still has that version.</summary>
    /// <returns>True when a row was deleted.</returns>
    /// <param name="grain">The owning grain.</param>
    /// <param name="name">The reminder name.</param>
    /// <param name="expectedVersion">The version to match, or null to delete whatever is there.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<bool> RemoveAsync(GrainId grain, string name, long? expectedVersion, CancellationToken cancellationToken = default);
}
