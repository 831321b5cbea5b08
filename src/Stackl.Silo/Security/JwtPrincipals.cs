using System.Security.Claims;
using Microsoft.Extensions.Options;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>Turns a validated JWT's claims into a <see cref="StacklPrincipal"/>: name from the name claim, role from the role claim.</summary>
/// <param name="options">The JWT settings.</param>
/// <param name="roles">The roles the silo knows.</param>
internal sealed class JwtPrincipals(IOptions<JwtAuthOptions> options, RoleCatalog roles)
{
    /// <summary>True when <paramref name="user"/> was authenticated by the JWT scheme.</summary>
    /// <param name="user">The request's user.</param>
    public static bool IsJwt(ClaimsPrincipal user) => user.Identities.Any(i => i is { IsAuthenticated: true, AuthenticationType: StacklAuthSchemes.Jwt });

    /// <summary>The principal of a validated token, or null with the reason a person can act on (no name, or no role Stackl knows).</summary>
    /// <param name="user">The token's claims.</param>
    public (StacklPrincipal? Principal, string? Refusal) Resolve(ClaimsPrincipal user)
    {
        var settings = options.Value;
        if (user.FindFirst(settings.NameClaim)?.Value is not { Length: > 0 } name)
        {
            return (null, $"The token has no '{settings.NameClaim}' claim to name the caller (Stackl:Auth:Jwt:NameClaim); ask the identity provider's administrator to add it, or name another claim.");
        }

        // A multi-valued claim (a JSON array) arrives as one claim per value: the first value that is a Stackl role wins.
        var claimed = user.FindAll(settings.RoleClaim).Select(c => c.Value).ToList();
        var role = claimed.FirstOrDefault(r => roles.Find(r) is not null) ?? settings.DefaultRole;
        if (role is null || roles.Find(role) is not { } grants)
        {
            var sent = claimed.Count == 0 ? $"has no '{settings.RoleClaim}' claim" : $"has '{settings.RoleClaim}' = {string.Join(", ", claimed.Select(r => $"'{r}'"))}, none of them a Stackl role";
            return (null, $"The token of '{name}' {sent} (Stackl:Auth:Jwt:RoleClaim); the roles are {string.Join(", ", roles.Names)}. Ask the identity provider's administrator to assign one, or set Stackl:Auth:Jwt:DefaultRole.");
        }

        return (new StacklPrincipal(name, role, grants), null);
    }
}
