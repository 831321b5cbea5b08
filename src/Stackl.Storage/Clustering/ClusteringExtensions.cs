using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;

namespace Stackl.Storage.Clustering;

/// <summary>Picks Orleans' ADO.NET clustering on PostgreSQL for silos and cluster clients.</summary>
public static class ClusteringExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql, the PostgreSQL driver.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>Keeps the cluster's membership in PostgreSQL; the silo migrates the schema (membership tables and queries) before membership starts.</summary>
    /// <remarks>Idempotent: a second call replaces the connection string, and the schema is migrated once, on the database clustering uses.</remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="connectionString">The Npgsql connection string of the cluster's database; never logged.</param>
    public static ISiloBuilder UseStacklPostgresClustering(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });
        builder.Services.TryAddSingleton<PostgresSchemaAtStart>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Orleans.ILifecycleParticipant<Orleans.Runtime.ISiloLifecycle>, PostgresClusteringSchema>());
        return builder;
    }

    /// <summary>Finds the cluster's gateways in the PostgreSQL membership table that the silos keep.</summary>
    /// <remarks>The client never migrates: the silos create the schema, and a client started before any silo waits for gateways as Orleans clients do.</remarks>
    /// <param name="builder">The client builder.</param>
    /// <param name="connectionString">The Npgsql connection string of the cluster's database; never logged.</param>
    public static IClientBuilder UseStacklPostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseAdoNetClustering(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });
    }
}
