namespace Stackl.Runtime.Cluster;

/// <summary>The table of silos in the cluster and their leases.</summary>
public interface IMembershipTable
{
    /// <summary>Adds or replaces a silo's row.</summary>
    /// <param name="entry">The row.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task RegisterAsync(SiloEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Changes a silo's status.</summary>
    /// <param name="siloName">The silo.</param>
    /// <param name="status">Its new status.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task UpdateStatusAsync(string siloName, SiloStatus status, CancellationToken cancellationToken = default);

    /// <summary>Lists every silo.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<SiloEntry>> ReadAllAsync(CancellationToken cancellationToken = default);
}
