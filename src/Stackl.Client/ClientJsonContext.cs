using System.Text.Json;
using System.Text.Json.Serialization;

namespace Stackl.Client;

/// <summary>Source-generated JSON for the SDK's own request and problem shapes; the wire records use <c>ContractsJsonContext</c>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SubmitTaskRequest))]
[JsonSerializable(typeof(PutScheduleRequest))]
[JsonSerializable(typeof(PutChainRuleRequest))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;

/// <summary>The body of <c>POST /api/tasks</c>: the timeout travels as a duration string such as <c>30s</c>.</summary>
internal sealed record SubmitTaskRequest(
    string Topic,
    string Subtype,
    JsonElement Payload,
    IReadOnlyList<string>? Documents,
    string? Timeout,
    string? IdempotencyKey,
    string? Source);

/// <summary>The body of <c>PUT /api/schedules/{name}</c>: the task as <c>POST /api/tasks</c> reads it, the choices as lower-case strings.</summary>
internal sealed record PutScheduleRequest(
    string Cron,
    string? TimeZone,
    SubmitTaskRequest Task,
    string? Overlap,
    string? CatchUp,
    bool? Enabled);

/// <summary>The body of <c>PUT /api/chains/{name}</c>: the follow-up as <c>POST /api/tasks</c> reads it.</summary>
internal sealed record PutChainRuleRequest(ChainTriggerRequest When, SubmitTaskRequest Then);

/// <summary>A chain rule's trigger on the wire: the statuses as a list of their names.</summary>
internal sealed record ChainTriggerRequest(string Topic, string? Subtype, IReadOnlyList<string>? Status);

/// <summary>An <c>application/problem+json</c> answer with the server's <c>code</c> extension.</summary>
internal sealed record ProblemBody(string? Type, string? Title, int? Status, string? Detail, string? Code, string? TraceId);
