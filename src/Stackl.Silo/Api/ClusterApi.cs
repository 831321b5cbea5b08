using Microsoft.AspNetCore.Http.HttpResults;
using Stackl.Contracts;
using Stackl.Tasks.Queries;

namespace Stackl.Silo.Api;

/// <summary>Maps <c>/api/cluster</c>: the silos of the cluster and the tasks by status.</summary>
public static class ClusterApi
{
    /// <summary>Maps the cluster endpoint.</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cluster", GetAsync).WithTags("Cluster").WithName("GetCluster").WithSummary("The silos in Orleans' membership with their status, last heartbeat and address, this silo's activations, and the task counts by status.");
        return app;
    }

    private static async Task<Ok<ClusterView>> GetAsync(LocalSilo silo, IGrainFactory grains, ITaskIndex tasks, CancellationToken cancellationToken)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken);
        var activations = await silo.GetActivationCountAsync(cancellationToken);
        var counts = await tasks.CountByStatusAsync(cancellationToken);
        return TypedResults.Ok(new ClusterView(
            silo.Name,
            [.. hosts.Select(h => new SiloView(h.SiloName, h.Status.ToString(), new DateTimeOffset(DateTime.SpecifyKind(h.IAmAliveTime, DateTimeKind.Utc)), h.SiloAddress.Equals(silo.Address) ? activations : null, h.SiloAddress.Endpoint.ToString()))],
            counts.ToDictionary(c => c.Key.ToString(), c => c.Value)));
    }
}
