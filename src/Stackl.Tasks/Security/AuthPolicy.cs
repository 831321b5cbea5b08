using System.Net;
using Microsoft.Extensions.Options;

namespace Stackl.Tasks.Security;

/// <summary>Decides whether a request must carry credentials, from <see cref="StacklAuthOptions.Mode"/> and how the silo runs.</summary>
/// <param name="options">The auth options.</param>
/// <param name="clustered">True when the silo runs in cluster (PostgreSQL) mode, where every entry point requires credentials under <see cref="AuthMode.Auto"/>.</param>
public sealed class AuthPolicy(IOptions<StacklAuthOptions> options, bool clustered)
{
    /// <summary>A policy for a silo outside cluster mode (what <c>AddStackl</c> registers until the host says otherwise).</summary>
    /// <param name="options">The auth options.</param>
    public AuthPolicy(IOptions<StacklAuthOptions> options)
        : this(options, clustered: false)
    {
    }

    /// <summary>The configured mode.</summary>
    public AuthMode Mode => options.Value.Mode;

    /// <summary>True when every entry point requires credentials, whatever address a request arrives on (cluster clients included).</summary>
    public bool RequiredEverywhere => Mode == AuthMode.Required || (Mode == AuthMode.Auto && clustered);

    /// <summary>True when credentials may be required at all, so the silo needs an admin key to hand out.</summary>
    public bool MayRequire => Mode != AuthMode.Open;

    /// <summary>True when a request that reached the silo at <paramref name="localAddress"/> must carry credentials.</summary>
    /// <remarks>Under <see cref="AuthMode.Auto"/> outside cluster mode, only requests that arrive on a loopback address (or in process) are open.</remarks>
    /// <param name="localAddress">The address the connection was accepted on; null for an in-process server.</param>
    public bool IsRequired(IPAddress? localAddress) =>
        RequiredEverywhere || (Mode == AuthMode.Auto && localAddress is not null && !IPAddress.IsLoopback(localAddress));
}
