using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Stackl.Contracts;
using Stackl.Silo.Api;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>
/// Lets an API request through with its principal, or answers 401 where <see cref="AuthPolicy"/> requires credentials and the
/// request has no valid ones; a dashboard session's state-changing requests must carry its anti-forgery token (403 without).
/// </summary>
/// <remarks>Health, metrics, OpenAPI and the dashboard's static files stay open; everything under <c>/api</c> and <c>/orleans</c> is gated.</remarks>
internal sealed class AuthGate(RequestDelegate next, AuthPolicy policy, RoleCatalog roles, IAntiforgery antiforgery)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsGated(context.Request.Path))
        {
            await next(context);
            return;
        }

        // Where the API is open, credentials that fail are ignored (the caller could as well have sent none).
        var principal = context.Features.Get<StacklPrincipal>();
        if (principal is null && JwtPrincipals.IsJwt(context.User))
        {
            // A valid token whose claims name no caller or no Stackl role: the provider vouches for the caller, Stackl grants it nothing.
            (principal, var refusal) = context.RequestServices.GetRequiredService<JwtPrincipals>().Resolve(context.User);
            if (principal is null && policy.IsRequired(context.Connection.LocalIpAddress))
            {
                await ApiProblems.Problem(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, refusal!).ExecuteAsync(context);
                return;
            }
        }

        principal ??= PrincipalOf(context, roles);
        if (principal is null && policy.IsRequired(context.Connection.LocalIpAddress))
        {
            var sentCredentials = BearerToken.Of(context.Request) is not null;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            var detail = sentCredentials
                ? JwtPrincipals.Refusal(context) ?? "The bearer credentials are not valid: the API key is unknown or revoked, or the token expired or is not from the configured issuer."
                : "This silo requires credentials: send 'Authorization: Bearer <key>' (the CLI's --api-key or STACKL_API_KEY; an administrator creates keys with 'stackl keys create'), or sign in to the dashboard.";
            await ApiProblems.Problem(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, detail).ExecuteAsync(context);
            return;
        }

        // A cookie rides along with any request the browser makes, a bearer token only with the ones its holder sends: only a
        // session's changes need proof that the dashboard itself sent them.
        if (principal is not null && IsSession(context.User) && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method))
        {
            try
            {
                await antiforgery.ValidateRequestAsync(context);
            }
            catch (AntiforgeryValidationException)
            {
                await ApiProblems.Problem(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, $"A dashboard session's changes must carry its anti-forgery token in the {SessionApi.AntiforgeryHeader} header (GET /auth/session gives it); reload the dashboard.").ExecuteAsync(context);
                return;
            }
        }

        var caller = principal ?? StacklPrincipal.Anonymous;
        if (context.Request.Path.StartsWithSegments("/orleans"))
        {
            // Orleans' dashboard shows every grain and silo: for the roles that see every task.
            caller.DemandAllTasks("open the Orleans dashboard");
        }

        context.Features.Set(caller);
        await next(context);
    }

    /// <summary>The principal the request authenticated as (key, session or token), or null for none or an unknown role.</summary>
    internal static StacklPrincipal? PrincipalOf(HttpContext context, RoleCatalog roles)
    {
        if (context.Features.Get<StacklPrincipal>() is { } known)
        {
            return known;
        }

        var user = context.User;
        return user.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } && user.FindFirstValue(ClaimTypes.Role) is { } role && roles.Find(role) is { } grants
            ? new StacklPrincipal(name, role, grants)
            : null;
    }

    private static bool IsSession(ClaimsPrincipal user) => user.Identity is { IsAuthenticated: true, AuthenticationType: StacklAuthSchemes.Session };

    private static bool IsGated(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/orleans");
}
