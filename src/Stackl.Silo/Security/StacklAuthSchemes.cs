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

    /// <summary>The dashboard's sign-in cookie; requests without an <c>Authorization</c> header go to it when it is registered.</summary>
    public const string Cookie = "StacklCookie";
}
