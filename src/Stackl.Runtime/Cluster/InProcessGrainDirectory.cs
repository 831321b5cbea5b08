using System.Collections.Concurrent;

namespace Stackl.Runtime.Cluster;

/// <summary>A grain directory that lives in the process (insert-if-absent on a concurrent map).</summary>
public sealed class InProcessGrainDirectory : IGrainDirectory
{
    private readonly ConcurrentDictionary<GrainId, string> _entries = new();

    /// <inheritdoc />
    public Task<string> RegisterAsync(GrainId grainId, string siloName, CancellationToken cancellationToken = default) =>
        Task.FromResult(_entries.GetOrAdd(grainId, siloName));

    /// <inheritdoc />
    public Task<string?> LookupAsync(GrainId grainId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_entries.TryGetValue(grainId, out var silo) ? silo : null);

    /// <inheritdoc />
    public Task UnregisterAsync(GrainId grainId, string siloName, CancellationToken cancellationToken = default)
    {
        _entries.TryRemove(new KeyValuePair<GrainId, string>(grainId, siloName));
        return Task.CompletedTask;
    }
}
