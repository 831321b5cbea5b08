using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Stackl.Contracts;
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

    /// <summary>The key under which the JWT scheme leaves, in <see cref="HttpContext.Items"/>, why it refused a request's token.</summary>
    public static readonly object FailureKey = new();

    /// <summary>
    /// Why a bearer token that is not an API key was refused, for the 401's detail: this silo takes no JWTs, or what of the token
    /// failed (expired, issuer, audience, signature). Null for an API key, or a failure without a known reason.
    /// </summary>
    /// <remarks>Names the settings, never the token.</remarks>
    /// <param name="context">The refused request.</param>
    public static string? Refusal(HttpContext context)
    {
        if (BearerToken.Of(context.Request) is not { } token || ApiKeyFormat.LooksLikeKey(token))
        {
            return null;
        }

        if (!context.RequestServices.GetRequiredService<IOptions<JwtAuthOptions>>().Value.Enabled)
        {
            return $"The bearer token is not valid: it is not a Stackl API key (stk_...), and this silo accepts no other tokens ({JwtAuthOptions.SectionName}:Issuer is not set). Send an API key.";
        }

        var failure = context.Items.TryGetValue(FailureKey, out var item) ? item as Exception : null;
        var reason = failure switch
        {
            SecurityTokenExpiredException => "it expired; get a new one from the identity provider",
            SecurityTokenNotYetValidException => "it is not valid yet (check the clocks; Stackl:Auth:Jwt:ClockSkew is the tolerance)",
            SecurityTokenInvalidIssuerException => "its issuer is not Stackl:Auth:Jwt:Issuer (or, without it, the Authority's)",
            SecurityTokenInvalidAudienceException => "its audience is not Stackl:Auth:Jwt:Audience",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not match the configured signing key",
            SecurityTokenException or ArgumentException => "it is not a well-formed, signed JWT",
            _ => null,
        };
        return reason is null ? null : $"The bearer token is not valid: {reason}.";
    }

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
