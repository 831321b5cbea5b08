using System.Text.Json;

namespace Stackl.Contracts;

/// <summary>One committed version of a document.</summary>
/// <param name="Key">The document key.</param>
/// <param name="Version">The version.</param>
/// <param name="TaskId">The task that committed it.</param>
/// <param name="Value">The value, or null for a delete.</param>
/// <param name="At">When it was committed.</param>
public sealed record HistoryEntry(string Key, long Version, string TaskId, JsonElement? Value, DateTimeOffset At);
