using Stackl.Contracts;
using Stackl.Silo.Api;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>
/// Lets an API request through with its principal, or answers 401 where <see cref="AuthPolicy"/> requires credentials and the
/// request has no valid ones.
/// </summary>
/// <remarks>Health, metrics, OpenAPI and the dashboard's static files stay open; everything under <c>/api</c> and <c>/orleans</c> is gated.</remarks>
internal sealed class AuthGate(RequestDelegate next, AuthPolicy policy)
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

        if (principal is null && policy.IsRequired(context.Connection.LocalIpAddress))
        {
            var sentCredentials = BearerToken.Of(context.Request) is not null;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            var detail = sentCredentials
                ? JwtPrincipals.Refusal(context) ?? "The bearer credentials are not valid: the API key is unknown or revoked, or the token expired or is not from the configured issuer."
                : "This silo requires credentials: send 'Authorization: Bearer <key>' (the CLI's --api-key or STACKL_API_KEY; an administrator creates keys with 'stackl keys create').";
            await ApiProblems.Problem(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, detail).ExecuteAsync(context);
            return;
        }

        context.Features.Set(principal ?? StacklPrincipal.Anonymous);
        await next(context);
    }

    private static bool IsGated(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/orleans");
}
