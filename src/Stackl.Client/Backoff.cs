namespace Stackl.Client;

/// <summary>How the wait between the attempts of a flow step grows.</summary>
public enum Backoff
{
    /// <summary>The wait doubles after each failed attempt, from the initial wait up to the longest.</summary>
    Exponential,

    /// <summary>The wait stays the initial wait.</summary>
    Fixed,

    /// <summary>The next attempt starts at once.</summary>
    None,
}
