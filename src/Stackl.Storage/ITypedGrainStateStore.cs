namespace Stackl.Storage;

/// <summary>A grain-state store that also takes the typed state with its JSON, to project columns from it without parsing the JSON again.</summary>
/// <typeparam name="TState">The grain state type.</typeparam>
public interface ITypedGrainStateStore<in TState> : IGrainStateStore
{
    /// <summary>Writes <paramref name="payload"/> (the JSON of <paramref name="state"/>) if the stored version equals <paramref name="expectedVersion"/>, and returns the new version.</summary>
    /// <param name="key">The state's key.</param>
    /// <param name="state">The state the payload was serialized from.</param>
    /// <param name="payload">The UTF-8 JSON payload.</param>
    /// <param name="expectedVersion">The version the caller last read (0 when it read nothing).</param>
    /// <param name="cancellationToken">Cancels the wait; the write may still land.</param>
    Task<long> WriteAsync(GrainStateKey key, TState state, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken = default);
}
