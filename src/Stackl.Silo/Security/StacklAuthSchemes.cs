namespace Stackl.Silo.Security;

/// <summary>The names of the silo's authentication schemes.</summary>
internal static class StacklAuthSchemes
{
    /// <summary>The default scheme: a policy scheme that forwards each request to one of the others (<see cref="StacklSchemeSelector"/>).</summary>
    public const string Default = "Stackl";

    /// <summary>Stackl API keys (<c>Authorization: Bearer stk_...</c>).</summary>
    public const string ApiKey = ApiKeyAuthenticationHandler.SchemeName;

    /// <summary>JWT bearer tokens from the identity provider of <c>Stackl:Auth:Jwt</c>.</summary>
    public const string Jwt = "StacklJwt";

    /// <summary>The dashboard's session cookie, issued for a key by <c>POST /auth/session</c>; requests without an <c>Authorization</c> header go to it.</summary>
    public const string Session = "StacklSession";

    /// <summary>The claim holding the id of the key a session was opened with, so a revoked key ends its sessions too.</summary>
    public const string KeyIdClaim = "stackl:key";
}
