namespace Stackl.Storage;

/// <summary>Migrates the schema while the silo starts, before Orleans' services (membership, reminders) read their tables.</summary>
/// <remarks>A silo whose database is unreachable at start fails to start with the driver's message, rather than serving 503s.</remarks>
internal sealed class StorageStartup(StorageEngine engine) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageStartup), ServiceLifecycleStage.RuntimeInitialize - 1, cancellationToken => engine.EnsureReadyAsync(cancellationToken));
}
