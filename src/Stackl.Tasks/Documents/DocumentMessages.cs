using System.Text.Json;

namespace Stackl.Tasks.Documents;

/// <summary>The answer to a lock request.</summary>
/// <param name="Granted">True when the caller holds the lock now.</param>
/// <param name="Owner">The task holding the lock (the caller when granted).</param>
/// <param name="Version">The committed version.</param>
/// <param name="Value">The committed value when granted, or null when the document does not exist.</param>
public sealed record DocumentLockResult(bool Granted, string? Owner, long Version, JsonElement? Value);

/// <summary>A document's durable state.</summary>
public sealed class DocumentState
{
    /// <summary>The committed value, or null when the document does not exist.</summary>
    public JsonElement? Value { get; set; }

    /// <summary>The committed version; every commit adds one.</summary>
    public long Version { get; set; }

    /// <summary>The task that committed <see cref="Version"/>.</summary>
    public string? CommittedBy { get; set; }

    /// <summary>When <see cref="Version"/> was committed.</summary>
    public DateTimeOffset? CommittedAt { get; set; }

    /// <summary>The task holding the lock.</summary>
    public string? Owner { get; set; }

    /// <summary>When the lock expires: the owner's deadline plus the commit grace.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>True when the owner staged a new value.</summary>
    public bool HasStaged { get; set; }

    /// <summary>The staged value (null with <see cref="HasStaged"/> means delete).</summary>
    public JsonElement? Staged { get; set; }
}
