using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Stackl.Contracts;

namespace Stackl.Grains.Abstractions;

/// <summary>How Stackl's wire records (<c>Stackl.Contracts</c>) cross Orleans: as JSON through its System.Text.Json codec.</summary>
/// <remarks>
/// The records carry no Orleans attributes (clients of the HTTP API never load Orleans), so a cluster client registers this codec
/// for them. The silo's grain serializer (<c>Stackl.Tasks.GrainJson</c>) covers every <c>Stackl.*</c> record the same way, with the
/// same settings (web defaults, enums as strings), so both ends agree on every type a gateway grain takes or returns.
/// </remarks>
public static class StacklWireSerialization
{
    /// <summary>The JSON settings of the wire records: web defaults (camelCase), enums as strings, source-generated metadata first.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    /// <summary>True for the types that travel as JSON: the records and enums of <c>Stackl.Contracts</c>, and <see cref="JsonElement"/>.</summary>
    /// <param name="type">A type Orleans asks about.</param>
    public static bool IsWireType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type == typeof(JsonElement)
            || (type.Namespace == typeof(TaskSpec).Namespace && !type.IsInterface && !typeof(Exception).IsAssignableFrom(type) && !(type.IsAbstract && type.IsSealed));
    }

    /// <summary>Registers the JSON codec for the wire types, and passes them by reference where Orleans would copy them (they are immutable).</summary>
    /// <remarks>Idempotent. A cluster client needs it; a silo running <c>AddStackl()</c> already has an equivalent registration.</remarks>
    /// <param name="services">The client's services.</param>
    public static IServiceCollection AddStacklWireSerialization(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(s => s.ServiceType == typeof(WireTypeCopier)))
        {
            return services;
        }

        services.AddSerializer(serializer =>
        {
            // The grain interfaces and the exception's generated serializer, whatever assemblies the host scans.
            serializer.AddAssembly(typeof(IStacklGatewayGrain).Assembly);
            serializer.AddJsonSerializer(IsWireType, static _ => false, o => o.Configure(json => json.SerializerOptions = JsonOptions));
        });
        services.AddSingleton<WireTypeCopier>();
        services.AddSingleton<IGeneralizedCopier>(sp => sp.GetRequiredService<WireTypeCopier>());
        return services;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(ContractsJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Hands wire records over as they are: they are immutable, so a copy is wasted work.</summary>
    private sealed class WireTypeCopier : IGeneralizedCopier
    {
        public object? DeepCopy(object? input, CopyContext context) => input;

        public bool IsSupportedType(Type type) => IsWireType(type);
    }
}
