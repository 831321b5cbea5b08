using System.Globalization;
using System.Text.Json;
using Orleans.Storage;
using Stackl.Tasks;

namespace Stackl.Storage;

/// <summary>An Orleans grain-storage provider on one of Stackl's grain-state stores: the state as JSON, its version as the ETag.</summary>
/// <remarks>
/// A write names the version it read; when another writer got there first the store refuses it and Orleans deactivates the stale
/// activation (<see cref="InconsistentStateException"/>). States are written with <see cref="GrainJson.Options"/>.
/// </remarks>
/// <param name="store">The store: the plain grain-state table, or the task or document table with its index columns.</param>
/// <param name="newGrains">Grains being created under a key just minted, whose first read is skipped (none without Stackl's task domain).</param>
public sealed class StacklGrainStorage(IGrainStateStore store, NewGrainKeys? newGrains = null) : IGrainStorage
{
    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var key = Key(stateName, grainId);
        var record = newGrains is not null && newGrains.TryTake(key.GrainType, key.GrainKey) ? null : await store.ReadAsync(key).ConfigureAwait(false);
        if (record is null)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.ETag = record.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = record.Payload is not null;
        if (record.Payload is { } payload)
        {
            grainState.State = JsonSerializer.Deserialize<T>(payload, GrainJson.Options)!;
        }
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = JsonSerializer.SerializeToUtf8Bytes(grainState.State, GrainJson.Options);
        var key = Key(stateName, grainId);
        var expected = ExpectedVersion(grainState.ETag);
        var version = store is ITypedGrainStateStore<T> typed
            ? await typed.WriteAsync(key, grainState.State!, payload, expected).ConfigureAwait(false)
            : await store.WriteAsync(key, payload, expected).ConfigureAwait(false);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var expected = ExpectedVersion(grainState.ETag);
        if (expected != 0)
        {
            var version = await store.ClearAsync(Key(stateName, grainId), expected).ConfigureAwait(false);
            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        }

        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private static GrainStateKey Key(string stateName, GrainId grainId) => new(grainId.Type.ToString()!, grainId.Key.ToString()!, stateName);

    private static long ExpectedVersion(string? etag) => etag is null ? 0 : long.Parse(etag, CultureInfo.InvariantCulture);
}
