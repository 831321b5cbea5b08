using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Stackl.Contracts;
using Stackl.Silo.Api;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>
/// Maps <c>/auth/session</c>: the dashboard signs in with an API key and gets an HttpOnly, SameSite=Strict session cookie
/// (the key itself stays in no cookie and no browser storage), reads who it is and its anti-forgery token, and signs out.
/// </summary>
public static class SessionApi
{
    /// <summary>The header state-changing requests of a session carry the anti-forgery token in.</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    /// <summary>Maps the session endpoints (outside <c>/api</c>: signing in needs no credentials).</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var session = app.MapGroup("/auth/session").WithTags("Security");
        session.MapGet("", Read).WithName("GetSession")
            .WithSummary("Whether this silo requires credentials, who the caller is (session, key or anonymous), its grants, and the anti-forgery token a session's state-changing requests send as X-CSRF-TOKEN.");
        session.MapPost("", SignInAsync).WithName("SignIn").WithSummary("Opens a dashboard session for an API key: {\"key\": \"stk_...\"}; answers like GET and sets the session cookie.");
        session.MapDelete("", SignOutAsync).WithName("SignOut").WithSummary("Ends the dashboard session.");
        return app;
    }

    private static IResult Read(HttpContext context, AuthPolicy policy, RoleCatalog roles, IAntiforgery antiforgery)
    {
        var caller = AuthGate.PrincipalOf(context, roles) ?? (policy.IsRequired(context.Connection.LocalIpAddress) ? null : StacklPrincipal.Anonymous);
        return View(context, policy, caller, antiforgery);
    }

    private static async Task<IResult> SignInAsync(HttpContext context, ApiRequest api, ApiKeyService keys, AuthPolicy policy, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        // Another site's page must not sign a visitor's browser into a session (login CSRF): same origin only.
        if (context.Request.Headers.Origin.ToString() is { Length: > 0 } origin && !SameOrigin(context.Request, origin))
        {
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, $"A sign-in from origin {origin} is refused; sign in from the dashboard of this silo.");
        }

        var body = await api.ReadJsonAsync(context.Request, cancellationToken);
        var key = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("key", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new BadRequestException("Send {\"key\": \"stk_...\"}: the API key to sign in with.");
        }

        var principal = await keys.AuthenticateAsync(key.Trim(), cancellationToken);
        if (principal is null || !ApiKeyFormat.TryParse(key.Trim(), out var keyId, out _))
        {
            return ApiProblems.Problem(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "The API key is unknown or revoked; ask an administrator for a key ('stackl keys create').");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, principal.Name), new Claim(ClaimTypes.Role, principal.Role), new Claim(StacklAuthSchemes.KeyIdClaim, keyId)],
            StacklAuthSchemes.Session);
        var user = new ClaimsPrincipal(identity);
        await context.SignInAsync(StacklAuthSchemes.Session, user);
        context.Features.Set(principal);
        AuditTrail.Target(context, $"session of key {keyId}");

        // The anti-forgery token is bound to the signed-in identity: make it for the session just opened.
        context.User = user;
        return View(context, policy, principal, antiforgery);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await context.SignOutAsync(StacklAuthSchemes.Session);
        return Results.NoContent();
    }

    private static IResult View(HttpContext context, AuthPolicy policy, StacklPrincipal? caller, IAntiforgery antiforgery)
    {
        var required = policy.IsRequired(context.Connection.LocalIpAddress);
        return Results.Json(new
        {
            required,
            authenticated = caller?.IsAuthenticated ?? false,
            name = caller?.Name,
            role = caller?.Role,
            grants = caller is null ? null : GrantsView.Of(caller),
            antiforgeryToken = caller is null ? null : antiforgery.GetAndStoreTokens(context).RequestToken,
        });
    }

    private static bool SameOrigin(HttpRequest request, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme == request.Scheme
        && string.Equals(uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}", request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
