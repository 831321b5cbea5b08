namespace Stackl.Grains.Abstractions;

/// <summary>How a cluster client presents its API key to the gateway grains: in the call's request context, never as an argument.</summary>
public static class StacklCredentials
{
    /// <summary>The request-context key holding the caller's API key (the gateway removes it before calling further grains).</summary>
    public const string RequestContextKey = "stackl-api-key";
}
