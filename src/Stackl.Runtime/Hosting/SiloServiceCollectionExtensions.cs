using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Stackl.Runtime.Cluster;
using Stackl.Runtime.Core;
using Stackl.Runtime.Storage;

namespace Stackl.Runtime.Hosting;

/// <summary>Adds a Stackl silo to a service collection.</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>Adds one silo, configured by <paramref name="configure"/>, started and stopped with the host.</summary>
    /// <remarks>A grain-state store and a reminder store must be chosen (<c>UseSqliteStorage</c>, <c>UsePostgresStorage</c> or <see cref="UseInMemoryStorage"/>).</remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adds grains, serializers and stores.</param>
    public static IServiceCollection AddStacklSilo(this IServiceCollection services, Action<SiloBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new SiloBuilder(services);
        configure(builder);
        services.AddOptions<SiloOptions>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGrainDirectory, InProcessGrainDirectory>();
        services.TryAddSingleton<IMembershipTable, InProcessMembershipTable>();
        services.TryAddSingleton<IGrainStateStore>(_ => throw MissingStore(nameof(IGrainStateStore)));
        services.TryAddSingleton<IReminderStore>(_ => throw MissingStore(nameof(IReminderStore)));
        services.AddSingleton(_ => new GrainTypeRegistry(builder.GrainAssemblies));
        services.AddSingleton(_ => new GrainJsonOptions(builder.JsonResolvers));
        services.AddSingleton<SiloRuntime>();
        services.AddSingleton(sp => new Silo(sp.GetRequiredService<SiloRuntime>()));
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<SiloRuntime>());
        services.AddHostedService<SiloHostedService>();
        return services;
    }

    /// <summary>Keeps grain state and reminders in process memory (tests and benchmarks only: nothing survives a restart).</summary>
    /// <param name="builder">The silo builder.</param>
    public static SiloBuilder UseInMemoryStorage(this SiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IGrainStateStore>();
        builder.Services.RemoveAll<IReminderStore>();
        builder.Services.AddSingleton<IGrainStateStore, InMemoryGrainStateStore>();
        builder.Services.AddSingleton<IReminderStore, InMemoryReminderStore>();
        return builder;
    }

    private static InvalidOperationException MissingStore(string role) =>
        new($"The silo has no {role}: call UseSqliteStorage(...) or UsePostgresStorage(...) on the silo builder (or UseInMemoryStorage() in tests).");
}
