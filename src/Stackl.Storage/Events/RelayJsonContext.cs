using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stackl.Storage.Events;

/// <summary>Source-generated JSON for relayed task events (web defaults, enums as strings, as the API writes them).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(RelayedEvent))]
internal sealed partial class RelayJsonContext : JsonSerializerContext;
