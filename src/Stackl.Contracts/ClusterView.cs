namespace Stackl.Contracts;

/// <summary>The cluster as one silo sees it (<c>GET /api/cluster</c>).</summary>
/// <param name="Self">The silo that answered.</param>
/// <param name="Silos">Every silo in the membership table.</param>
/// <param name="Tasks">How many tasks are in each status, keyed by the status name.</param>
public sealed record ClusterView(string Self, IReadOnlyList<SiloView> Silos, IReadOnlyDictionary<string, long> Tasks);
