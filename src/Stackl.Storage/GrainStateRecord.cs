namespace Stackl.Storage;

/// <summary>A stored grain state: its UTF-8 JSON payload (null when cleared) and its version, which is the ETag.</summary>
/// <param name="Payload">The UTF-8 JSON payload, or null when the state was cleared (a tombstone that keeps the version).</param>
/// <param name="Version">The version; every write or clear increases it by one.</param>
public sealed record GrainStateRecord(byte[]? Payload, long Version);
