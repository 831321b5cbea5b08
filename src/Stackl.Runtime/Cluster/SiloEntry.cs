namespace Stackl.Runtime.Cluster;

/// <summary>One silo's row in the membership table.</summary>
/// <param name="SiloName">The silo's unique name.</param>
/// <param name="Status">Its status.</param>
/// <param name="LeaseRenewedAt">When it last renewed its lease.</param>
public sealed record SiloEntry(string SiloName, SiloStatus Status, DateTimeOffset LeaseRenewedAt);
