namespace Stackl.Runtime;

/// <summary>A grain's durable state, read before <see cref="Grain.OnActivateAsync"/> and written explicitly.</summary>
/// <typeparam name="TState">A JSON-serializable class.</typeparam>
public interface IPersistentState<TState>
    where TState : class, new()
{
    /// <summary>The current in-memory value.</summary>
    TState State { get; set; }

    /// <summary>The stored version this activation last read or wrote (null when nothing is stored).</summary>
    string? Etag { get; }

    /// <summary>True when a value is stored (written and not cleared).</summary>
    bool RecordExists { get; }

    /// <summary>Reloads the state from the store.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes <see cref="State"/>; durable when the task completes.</summary>
    /// <remarks>Throws <see cref="InconsistentStateException"/> when another writer changed the state since this activation read it; the activation is then deactivated after its turn.</remarks>
    /// <param name="cancellationToken">Cancels the wait; the write may still land.</param>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Clears the stored state and resets <see cref="State"/> to a new instance.</summary>
    /// <param name="cancellationToken">Cancels the wait; the clear may still land.</param>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
