namespace Stackl.Storage;

/// <summary>Durable storage of grain state with optimistic concurrency on a version number.</summary>
/// <remarks>
/// Version 0 means "no row". A write or clear names the version it expects; when the stored version differs
/// the call throws <see cref="Orleans.Storage.InconsistentStateException"/> and changes nothing. A completed call is durable.
/// </remarks>
public interface IGrainStateStore
{
    /// <summary>Reads a state, or returns null when it was never written.</summary>
    /// <param name="key">The state's key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<GrainStateRecord?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default);

    /// <summary>Writes a state if the stored version equals <paramref name="expectedVersion"/>, and returns the new version.</summary>
    /// <param name="key">The state's key.</param>
    /// <param name="payload">The UTF-8 JSON payload.</param>
    /// <param name="expectedVersion">The version the caller last read (0 when it read nothing).</param>
    /// <param name="cancellationToken">Cancels the wait; the write may still land.</param>
    Task<long> WriteAsync(GrainStateKey key, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Clears a state (keeping a tombstone with the next version) if the stored version equals <paramref name="expectedVersion"/>, and returns the new version.</summary>
    /// <param name="key">The state's key.</param>
    /// <param name="expectedVersion">The version the caller last read.</param>
    /// <param name="cancellationToken">Cancels the wait; the clear may still land.</param>
    Task<long> ClearAsync(GrainStateKey key, long expectedVersion, CancellationToken cancellationToken = default);
}
