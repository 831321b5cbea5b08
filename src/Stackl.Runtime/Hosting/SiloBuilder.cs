using System.Reflection;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Stackl.Runtime.Hosting;

/// <summary>Configures one silo: its grains, serializers, stores and options.</summary>
/// <remarks>Created by <see cref="SiloServiceCollectionExtensions.AddStacklSilo"/>; extension methods named <c>UseXxx</c> pick the one provider of a role.</remarks>
public sealed class SiloBuilder
{
    internal SiloBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The service collection the silo is built from.</summary>
    public IServiceCollection Services { get; }

    internal List<Assembly> GrainAssemblies { get; } = [];

    internal List<IJsonTypeInfoResolver> JsonResolvers { get; } = [];

    /// <summary>Registers every grain class (a non-abstract <see cref="Grain"/> implementing a grain interface) in an assembly.</summary>
    /// <param name="assembly">The assembly to scan.</param>
    public SiloBuilder AddGrains(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (!GrainAssemblies.Contains(assembly))
        {
            GrainAssemblies.Add(assembly);
        }

        return this;
    }

    /// <summary>Adds a source-generated JSON resolver for grain messages and persistent state.</summary>
    /// <param name="resolver">Usually a <c>JsonSerializerContext</c>'s <c>Default</c> instance.</param>
    public SiloBuilder AddJsonTypeInfoResolver(IJsonTypeInfoResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        if (!JsonResolvers.Contains(resolver))
        {
            JsonResolvers.Add(resolver);
        }

        return this;
    }

    /// <summary>Configures the silo options.</summary>
    /// <param name="configure">Changes the options.</param>
    public SiloBuilder Configure(Action<SiloOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }
}
