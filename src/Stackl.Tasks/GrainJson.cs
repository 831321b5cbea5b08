using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Stackl.Tasks;

/// <summary>The JSON settings of Stackl's grain messages and grain states: web defaults, enums as strings, source-generated metadata first.</summary>
/// <remarks>
/// Grain calls carry Stackl's records through Orleans' System.Text.Json codec with these settings, and the storage providers write grain
/// states with them, so a state written by one silo version reads in the next. Types without generated metadata (a user's own grain
/// state) fall back to reflection.
/// </remarks>
public static class GrainJson
{
    /// <summary>The shared, read-only options.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>True for the types Orleans hands to the JSON codec: Stackl's records and enums and <see cref="JsonElement"/>.</summary>
    /// <remarks>Exceptions keep Orleans' own exception codec; grain interfaces and references are Orleans' business.</remarks>
    /// <param name="type">A type Orleans asks about.</param>
    public static bool IsMessageType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type == typeof(JsonElement))
        {
            return true;
        }

        return type.Namespace is { } ns
            && (ns == "Stackl" || ns.StartsWith("Stackl.", StringComparison.Ordinal))
            && !type.IsInterface
            && !typeof(Exception).IsAssignableFrom(type)
            && !typeof(IAddressable).IsAssignableFrom(type);
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(TasksJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}
