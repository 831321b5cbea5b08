namespace Stackl.Runtime;

/// <summary>Thrown when a state write names a version (ETag) that is no longer the stored one.</summary>
/// <remarks>The activation that saw it is deactivated after its turn, so it cannot overwrite newer state.</remarks>
public sealed class InconsistentStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InconsistentStateException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was written, what version was expected and which was found.</param>
    public InconsistentStateException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InconsistentStateException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the key and both versions.</summary>
    /// <param name="what">The record that was written.</param>
    /// <param name="expectedVersion">The version the writer expected.</param>
    /// <param name="storedVersion">The version found in the store, or null when unknown.</param>
    public static InconsistentStateException Create(string what, long expectedVersion, long? storedVersion) =>
        new($"Stale write to {what}: expected version {expectedVersion}, but the store holds {(storedVersion is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "a different version")}.");
}
