namespace Stackl.Silo.Security;

/// <summary>Reads the bearer token of a request.</summary>
internal static class BearerToken
{
    private const string Scheme = "Bearer ";

    /// <summary>The token after <c>Authorization: Bearer</c>, or null when the request has none.</summary>
    public static string? Of(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length ? header[Scheme.Length..].Trim() : null;
    }
}
