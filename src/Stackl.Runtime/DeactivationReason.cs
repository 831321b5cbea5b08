namespace Stackl.Runtime;

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>It was idle longer than the collection age.</summary>
    Idle,

    /// <summary>The grain asked for it with <see cref="Grain.DeactivateOnIdle"/>.</summary>
    Requested,

    /// <summary>A state write found a newer version: this activation is stale.</summary>
    StaleState,

    /// <summary>The silo is shutting down gracefully.</summary>
    Shutdown,
}
