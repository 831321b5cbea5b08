namespace Stackl.Runtime.Storage;

/// <summary>A reminder store in process memory: for tests and benchmarks, never for reminders that must survive a crash.</summary>
public sealed class InMemoryReminderStore : IReminderStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId, string), ReminderEntry> _rows = [];

    /// <inheritdoc />
    public Task<long> UpsertAsync(GrainId grain, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var version = _rows.TryGetValue((grain, name), out var old) ? old.Version + 1 : 1;
            _rows[(grain, name)] = new ReminderEntry(grain, name, dueAt, period, 0, version);
            return Task.FromResult(version);
        }
    }

    /// <inheritdoc />
    public Task<ReminderEntry?> GetAsync(GrainId grain, string name, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.TryGetValue((grain, name), out var entry) ? entry : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> GetForGrainAsync(GrainId grain, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _rows.Values.Where(r => r.Grain == grain).OrderBy(r => r.Name, StringComparer.Ordinal)]);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> GetDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ReminderEntry>>([.. _rows.Values.Where(r => r.DueAt <= dueBefore).OrderBy(r => r.DueAt).Take(limit)]);
        }
    }

    /// <inheritdoc />
    public Task<long?> RescheduleAsync(GrainId grain, string name, long expectedVersion, DateTimeOffset dueAt, int attempt, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue((grain, name), out var entry) || entry.Version != expectedVersion)
            {
                return Task.FromResult<long?>(null);
            }

            _rows[(grain, name)] = entry with { DueAt = dueAt, Attempt = attempt, Version = expectedVersion + 1 };
            return Task.FromResult<long?>(expectedVersion + 1);
        }
    }

    /// <inheritdoc />
    public Task<bool> RemoveAsync(GrainId grain, string name, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue((grain, name), out var entry) || (expectedVersion is { } v && entry.Version != v))
            {
                return Task.FromResult(false);
            }

            return Task.FromResult(_rows.Remove((grain, name)));
        }
    }
}
