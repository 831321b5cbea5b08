using System.Collections.Concurrent;

namespace Stackl.Runtime.Storage;

/// <summary>A grain-state store in process memory: for tests and benchmarks of the call path, never for data that matters.</summary>
public sealed class InMemoryGrainStateStore : IGrainStateStore
{
    private readonly ConcurrentDictionary<GrainStateKey, GrainStateRecord> _rows = new();

    /// <inheritdoc />
    public Task<GrainStateRecord?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default) =>
        Task.FromResult(_rows.TryGetValue(key, out var record) ? record : null);

    /// <inheritdoc />
    public Task<long> WriteAsync(GrainStateKey key, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken = default) =>
        Task.FromResult(Swap(key, payload.ToArray(), expectedVersion));

    /// <inheritdoc />
    public Task<long> ClearAsync(GrainStateKey key, long expectedVersion, CancellationToken cancellationToken = default) =>
        Task.FromResult(Swap(key, null, expectedVersion));

    private long Swap(GrainStateKey key, byte[]? payload, long expectedVersion)
    {
        while (true)
        {
            if (_rows.TryGetValue(key, out var current))
            {
                if (current.Version != expectedVersion)
                {
                    throw InconsistentStateException.Create(key.ToString(), expectedVersion, current.Version);
                }

                if (_rows.TryUpdate(key, new GrainStateRecord(payload, expectedVersion + 1), current))
                {
                    return expectedVersion + 1;
                }
            }
            else
            {
                if (expectedVersion != 0)
                {
                    throw InconsistentStateException.Create(key.ToString(), expectedVersion, 0);
                }

                if (_rows.TryAdd(key, new GrainStateRecord(payload, 1)))
                {
                    return 1;
                }
            }
        }
    }
}
