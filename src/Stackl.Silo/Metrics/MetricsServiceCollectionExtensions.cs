using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Stackl.Silo.Metrics;

/// <summary>Adds the Prometheus exporter behind <c>/metrics</c>.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>Adds the exporter of this host's <c>Stackl.*</c> meters; it starts collecting when the host starts. Idempotent.</summary>
    /// <param name="services">The service collection.</param>
    public static IServiceCollection AddStacklMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton<PrometheusExporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StartWithHost<PrometheusExporter>>());
        return services;
    }
}
