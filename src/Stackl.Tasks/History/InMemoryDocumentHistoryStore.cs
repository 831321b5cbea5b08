using Stackl.Contracts;

namespace Stackl.Tasks.History;

/// <summary>History in process memory: for tests; a real silo uses the SQLite or PostgreSQL store.</summary>
public sealed class InMemoryDocumentHistoryStore : IDocumentHistoryStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Key, long Version), HistoryEntry> _entries = [];

    /// <inheritdoc />
    public Task AppendAsync(HistoryEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            _entries.TryAdd((entry.Key, entry.Version), entry);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<HistoryEntry?> GetAsync(string key, long version, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_entries.TryGetValue((key, version), out var entry) ? entry : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<HistoryEntry>> ListAsync(string key, long? beforeVersion, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<HistoryEntry>>([.. _entries.Values
                .Where(e => e.Key == key && (beforeVersion is null || e.Version < beforeVersion))
                .OrderByDescending(e => e.Version)
                .Take(limit)]);
        }
    }
}
