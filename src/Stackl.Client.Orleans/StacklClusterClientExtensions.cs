using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;
using Stackl.Grains.Abstractions;

namespace Stackl.Client.Orleans;

/// <summary>Connects a .NET service to a Stackl cluster through Orleans' cluster client and registers <see cref="IStacklClient"/> over it.</summary>
public static class StacklClusterClientExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql, the PostgreSQL driver the silos' membership table is read with.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>Adds an Orleans client connected to the Stackl cluster and registers <see cref="IStacklClient"/> as a <see cref="StacklClusterClient"/>.</summary>
    /// <remarks>Idempotent (the first call's settings win). The Orleans client connects when the host starts.</remarks>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Sets the cluster id and either the PostgreSQL connection string or the gateways.</param>
    public static IHostApplicationBuilder AddStacklClusterClient(this IHostApplicationBuilder builder, Action<StacklClusterClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddStacklClusterClient(configure);
        return builder;
    }

    /// <summary>Adds an Orleans client connected to the Stackl cluster and registers <see cref="IStacklClient"/> as a <see cref="StacklClusterClient"/>.</summary>
    /// <remarks>Idempotent (the first call's settings win). The Orleans client connects when the host starts.</remarks>
    /// <param name="services">The services of a host.</param>
    /// <param name="configure">Sets the cluster id and either the PostgreSQL connection string or the gateways.</param>
    public static IServiceCollection AddStacklClusterClient(this IServiceCollection services, Action<StacklClusterClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(s => s.ServiceType == typeof(StacklClusterClient)))
        {
            return services;
        }

        var options = new StacklClusterClientOptions();
        configure(options);
        options.Validate();
        services.AddOrleansClient(client => client.UseStacklCluster(options));
        services.TryAddSingleton(sp => new StacklClusterClient(sp.GetRequiredService<IClusterClient>(), options));
        services.TryAddSingleton<IStacklClient>(sp => sp.GetRequiredService<StacklClusterClient>());
        return services;
    }

    /// <summary>Configures an Orleans client for a Stackl cluster: its ids, where its gateways are, short timeouts and the wire serializer.</summary>
    /// <remarks>
    /// With <see cref="StacklClusterClientOptions.ConnectionString"/> the gateways are read from the PostgreSQL membership table
    /// the silos keep (Orleans' ADO.NET clustering), every <see cref="StacklClusterClientOptions.GatewayListRefreshPeriod"/>; else the
    /// static <see cref="StacklClusterClientOptions.Gateways"/> (default <c>127.0.0.1:30000</c>, the embedded silo). With
    /// <see cref="StacklClusterClientOptions.Tls"/> it connects with TLS, as silos with <c>Stackl:Cluster:Tls</c> require. The first
    /// connection is retried for up to <see cref="StacklClusterClientOptions.ReconnectTimeout"/>; then the host's start fails with a
    /// <see cref="StacklConnectionException"/>.
    /// </remarks>
    /// <param name="client">The Orleans client builder.</param>
    /// <param name="options">The settings.</param>
    public static IClientBuilder UseStacklCluster(this IClientBuilder client, StacklClusterClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ClusterId;
        });
        if (options.ConnectionString is { } connectionString)
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = connectionString;
            });
        }
        else
        {
            client.UseStaticClustering([.. options.StaticGateways()]);
        }

        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod);
        if (options.Tls is { } tls)
        {
            var trusted = tls.TrustedThumbprints();
            client.UseTls(o =>
            {
                o.LocalCertificate = tls.ClientCertificate;
                o.ClientCertificateMode = tls.ClientCertificate is null ? RemoteCertificateMode.NoCertificate : RemoteCertificateMode.RequireCertificate;
                o.HandshakeTimeout = tls.HandshakeTimeout;

                // Pinned: a silo's certificate is usually self-signed, and no other certificate may stand in for it.
                o.RemoteCertificateValidation = (remote, _, _) => trusted.Contains(remote.Thumbprint);
            });
        }

        client.Services.AddSingleton<IClientConnectionRetryFilter>(new StacklConnectionRetryFilter(options));
        client.Services.AddStacklWireSerialization();
        return client;
    }
}
