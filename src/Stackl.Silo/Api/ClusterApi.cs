using Microsoft.AspNetCore.Http.HttpResults;
using Stackl.Contracts;
using Stackl.Runtime.Cluster;
using IMembershipTable = Stackl.Runtime.Cluster.IMembershipTable;
using Stackl.Tasks.Queries;

namespace Stackl.Silo.Api;

/// <summary>Maps <c>/api/cluster</c>: the silos of the cluster and the tasks by status.</summary>
public static class ClusterApi
{
    /// <summary>Maps the cluster endpoint.</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cluster", GetAsync).WithTags("Cluster").WithName("GetCluster").WithSummary("The silos in the membership table, this silo's activations, and the task counts by status.");
        return app;
    }

    private static async Task<Ok<ClusterView>> GetAsync(Runtime.Hosting.Silo silo, IMembershipTable membership, ITaskIndex tasks, CancellationToken cancellationToken)
    {
        var silos = await membership.ReadAllAsync(cancellationToken);
        var counts = await tasks.CountByStatusAsync(cancellationToken);
        return TypedResults.Ok(new ClusterView(
            silo.Name,
            [.. silos.Select(s => new SiloView(s.SiloName, s.Status.ToString(), s.LeaseRenewedAt, s.SiloName == silo.Name ? silo.ActivationCount : null))],
            counts.ToDictionary(c => c.Key.ToString(), c => c.Value)));
    }
}
