namespace Stackl.Runtime;

/// <summary>The lifecycle status of a silo.</summary>
public enum SiloStatus
{
    /// <summary>Built, not started.</summary>
    Created,

    /// <summary>Serving calls.</summary>
    Active,

    /// <summary>Draining turns in flight before it stops.</summary>
    Stopping,

    /// <summary>Stopped gracefully.</summary>
    Stopped,

    /// <summary>Stopped abruptly (a crash, or a test's kill).</summary>
    Killed,

    /// <summary>Declared dead by another silo after its lease ran out.</summary>
    Dead,
}
