using System.Text.Json;

namespace Stackl.Contracts;

/// <summary>What a producer asks for: a handler (topic/subtype), its payload, the documents to lock and a timeout.</summary>
/// <param name="Topic">The handler's topic, e.g. <c>document</c>.</param>
/// <param name="Subtype">The handler's subtype, e.g. <c>put</c>.</param>
/// <param name="Payload">The handler's self-contained JSON payload.</param>
/// <param name="Documents">Extra document keys to lock; handlers add the ones their payload names.</param>
/// <param name="Timeout">The time budget; the server default when null, at most the server maximum.</param>
/// <param name="IdempotencyKey">A repeated submit with the same key returns the first task.</param>
/// <param name="Source">Who produced the task.</param>
public sealed record TaskSpec(
    string Topic,
    string Subtype,
    JsonElement Payload,
    IReadOnlyList<string>? Documents = null,
    TimeSpan? Timeout = null,
    string? IdempotencyKey = null,
    string? Source = null);
