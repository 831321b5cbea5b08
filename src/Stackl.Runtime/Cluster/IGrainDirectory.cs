namespace Stackl.Runtime.Cluster;

/// <summary>Maps each grain to the one silo that hosts its activation.</summary>
public interface IGrainDirectory
{
    /// <summary>Registers the grain on <paramref name="siloName"/> unless another silo holds it; returns the silo that holds it.</summary>
    /// <param name="grainId">The grain.</param>
    /// <param name="siloName">The silo that wants to host it.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<string> RegisterAsync(GrainId grainId, string siloName, CancellationToken cancellationToken = default);

    /// <summary>Returns the silo hosting the grain, or null.</summary>
    /// <param name="grainId">The grain.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<string?> LookupAsync(GrainId grainId, CancellationToken cancellationToken = default);

    /// <summary>Removes the grain's entry if <paramref name="siloName"/> holds it.</summary>
    /// <param name="grainId">The grain.</param>
    /// <param name="siloName">The silo that hosted it.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task UnregisterAsync(GrainId grainId, string siloName, CancellationToken cancellationToken = default);
}
