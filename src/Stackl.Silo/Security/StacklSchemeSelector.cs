using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Stackl.Contracts;

namespace Stackl.Silo.Security;

/// <summary>Picks the scheme that authenticates a request, for the default policy scheme <see cref="StacklAuthSchemes.Default"/>.</summary>
/// <param name="authentication">The registered schemes.</param>
/// <param name="jwt">The JWT settings.</param>
internal sealed class StacklSchemeSelector(IOptions<AuthenticationOptions> authentication, IOptions<JwtAuthOptions> jwt)
{
    private readonly bool _cookie = authentication.Value.SchemeMap.ContainsKey(StacklAuthSchemes.Session);
    private readonly bool _jwt = jwt.Value.Enabled;

    /// <summary>
    /// <c>Bearer stk_...</c>: the API key scheme; any other bearer token: the JWT scheme when JWT is configured (else the API key
    /// scheme, which does not know it, so the request has no credentials); no bearer token: the cookie scheme when it is registered.
    /// </summary>
    /// <param name="context">The request.</param>
    public string SelectScheme(HttpContext context) => BearerToken.Of(context.Request) switch
    {
        null => _cookie ? StacklAuthSchemes.Session : StacklAuthSchemes.ApiKey,
        var token when ApiKeyFormat.LooksLikeKey(token) => StacklAuthSchemes.ApiKey,
        _ => _jwt ? StacklAuthSchemes.Jwt : StacklAuthSchemes.ApiKey,
    };
}
