using System.Globalization;
using Orleans.Storage;

namespace Stackl.Storage;

/// <summary>Builds the exception a write with a stale version (ETag) fails with.</summary>
internal static class StaleWrite
{
    /// <summary>Orleans deactivates the activation that sees it, so a duplicate or zombie activation cannot overwrite newer state.</summary>
    public static InconsistentStateException Exception(GrainStateKey key, long expectedVersion) =>
        new($"Stale write to {key}: expected version {expectedVersion}, but the store holds another.", storedEtag: "unknown", currentEtag: expectedVersion.ToString(CultureInfo.InvariantCulture));
}
