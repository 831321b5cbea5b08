using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Stackl.Storage.Clustering;

/// <summary>Migrates the clustering database when the silo starts, before Orleans reads its membership queries.</summary>
internal sealed class PostgresClusteringSchema(
    IOptions<AdoNetClusteringSiloOptions> options,
    PostgresSchemaAtStart schema) : Orleans.ILifecycleParticipant<Orleans.Runtime.ISiloLifecycle>
{
    /// <inheritdoc />
    public void Participate(Orleans.Runtime.ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);

        // Stage First: membership reads OrleansQuery in RuntimeInitialize, and participants of one stage start concurrently, so only an earlier stage is sure to run before it.
        lifecycle.Subscribe(nameof(PostgresClusteringSchema), Orleans.ServiceLifecycleStage.First, MigrateAsync);
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var clustering = options.Value;
        if (!string.Equals(clustering.Invariant, ClusteringExtensions.NpgsqlInvariant, StringComparison.Ordinal) || string.IsNullOrWhiteSpace(clustering.ConnectionString))
        {
            throw new InvalidOperationException(
                $"Stackl's PostgreSQL clustering needs AdoNetClusteringSiloOptions with Invariant '{ClusteringExtensions.NpgsqlInvariant}' and a ConnectionString (found Invariant '{clustering.Invariant}'); configure clustering with UseStacklPostgresClustering only.");
        }

        await schema.EnsureAsync(clustering.ConnectionString, cancellationToken).ConfigureAwait(false);
    }
}
