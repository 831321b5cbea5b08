using System.Collections.Concurrent;

namespace Stackl.Tasks;

/// <summary>Grains a caller is creating right now under a key it just minted: no state can be stored for them yet.</summary>
/// <remarks>
/// A grain's first activation reads its state; for a task whose id was minted a moment ago that read can only find nothing, and it
/// costs a database round trip per task. The grain storage asks here first and skips the read for an announced key. A key not
/// announced (a silo of a cluster other than the caller's, an idempotent resubmit, any later activation) is read as usual.
/// </remarks>
public sealed class NewGrainKeys
{
    private readonly ConcurrentDictionary<(string GrainType, string Key), byte> _creating = new();

    /// <summary>Announces a grain being created; dispose the result once the creating call returned.</summary>
    /// <param name="grainType">The grain type name (its <c>[GrainType]</c>).</param>
    /// <param name="key">The key just minted.</param>
    /// <returns>Ends the announcement.</returns>
    public IDisposable Creating(string grainType, string key)
    {
        var entry = (grainType, key);
        _creating.TryAdd(entry, 0);
        return new Announcement(this, entry);
    }

    /// <summary>True, once, when <paramref name="key"/> of <paramref name="grainType"/> was announced and is still being created.</summary>
    /// <param name="grainType">The grain type name.</param>
    /// <param name="key">The grain's key.</param>
    public bool TryTake(string grainType, string key) => _creating.TryRemove((grainType, key), out _);

    private sealed class Announcement(NewGrainKeys keys, (string, string) entry) : IDisposable
    {
        public void Dispose() => keys._creating.TryRemove(entry, out _);
    }
}
