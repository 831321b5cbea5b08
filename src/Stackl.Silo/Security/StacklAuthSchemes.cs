namespace Stackl.Silo.Security;

/// <summary>The silo's authentication schemes.</summary>
internal static class StacklAuthSchemes
{
    /// <summary>The default: forwards each request to the scheme its credentials call for.</summary>
    public const string Default = "Stackl";

    /// <summary><c>Authorization: Bearer stk_...</c>.</summary>
    public const string ApiKey = ApiKeyAuthenticationHandler.SchemeName;

    /// <summary>The dashboard's session cookie, issued for a key by <c>POST /auth/session</c>.</summary>
    public const string Session = "StacklSession";

    /// <summary>The claim holding the id of the key a session was opened with, so a revoked key ends its sessions too.</summary>
    public const string KeyIdClaim = "stackl:key";
}
