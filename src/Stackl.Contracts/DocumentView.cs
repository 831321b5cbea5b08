using System.Text.Json;

namespace Stackl.Contracts;

/// <summary>A document's last committed value.</summary>
/// <param name="Key">The key, <c>type/name</c>.</param>
/// <param name="Version">The committed version (0 when it never existed).</param>
/// <param name="Value">The committed JSON value, or null when it does not exist (never written, or deleted).</param>
/// <param name="LockedBy">The task holding its lock, if any.</param>
public sealed record DocumentView(string Key, long Version, JsonElement? Value, string? LockedBy);
