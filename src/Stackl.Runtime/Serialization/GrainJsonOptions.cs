using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Stackl.Runtime.Core;

/// <summary>The JSON options for grain messages and state: the registered source-generated resolvers first, reflection last.</summary>
internal sealed class GrainJsonOptions
{
    public GrainJsonOptions(IEnumerable<IJsonTypeInfoResolver> resolvers)
    {
        Options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine([.. resolvers, Serialization.RuntimeJsonContext.Default, new DefaultJsonTypeInfoResolver()]),
        };
        Options.Converters.Add(new JsonStringEnumConverter());
        Options.MakeReadOnly();
    }

    public JsonSerializerOptions Options { get; }
}
