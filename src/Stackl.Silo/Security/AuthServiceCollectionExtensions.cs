using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>Adds and switches on authentication for the silo host.</summary>
internal static class AuthServiceCollectionExtensions
{
    /// <summary>How long a dashboard session lasts without use.</summary>
    private static readonly TimeSpan s_sessionIdle = TimeSpan.FromHours(8);

    /// <summary>Binds <c>Stackl:Auth</c>, registers the policy for this host's mode and the schemes: API keys, the dashboard's session cookie, and JWTs when <c>Stackl:Auth:Jwt</c> is set.</summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="clustered">True in cluster (PostgreSQL) mode.</param>
    public static WebApplicationBuilder AddStacklAuth(this WebApplicationBuilder builder, bool clustered)
    {
        builder.Services.Configure<StacklAuthOptions>(builder.Configuration.GetSection(StacklAuthOptions.SectionName));
        builder.Services.AddSingleton(sp => new AuthPolicy(sp.GetRequiredService<IOptions<StacklAuthOptions>>(), clustered));
        builder.Services.AddAuthentication(StacklAuthSchemes.Default)
            .AddPolicyScheme(StacklAuthSchemes.Default, displayName: null, o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(StacklAuthSchemes.ApiKey, configureOptions: null)
            .AddCookie(StacklAuthSchemes.Session, o =>
            {
                o.Cookie.Name = "stackl_session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = s_sessionIdle;
                o.SlidingExpiration = true;

                // An API answers, it does not redirect to a login page.
                o.Events.OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
            })
            .AddStacklJwt(builder.Configuration); // only when Stackl:Auth:Jwt:Issuer or :Authority is set
        builder.Services.AddSingleton<StacklSchemeSelector>();
        builder.Services.AddStacklDataProtection(builder.Configuration); // the cookie's and the anti-forgery token's keys live in the database, shared by every silo
        builder.Services.AddAntiforgery(o =>
        {
            o.HeaderName = SessionApi.AntiforgeryHeader;
            o.Cookie.Name = "stackl_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddHostedService<AdminKeyBootstrap>(); // before UseOrleans and the web server: the key exists before the first request
        return builder;
    }

    /// <summary>Records every state-changing request in the audit trail (see <see cref="AuditTrail"/>); call it first, before the exception handler.</summary>
    /// <param name="app">The application.</param>
    public static WebApplication UseStacklAuditTrail(this WebApplication app)
    {
        app.UseMiddleware<AuditTrail>();
        return app;
    }

    /// <summary>The scheme that authenticates <paramref name="context"/> (see <see cref="StacklSchemeSelector.SelectScheme"/>).</summary>
    private static string SelectScheme(HttpContext context) => context.RequestServices.GetRequiredService<StacklSchemeSelector>().SelectScheme(context);

    /// <summary>Authenticates every request and gates <c>/api</c> and <c>/orleans</c> (see <see cref="AuthGate"/>).</summary>
    /// <param name="app">The application.</param>
    public static WebApplication UseStacklAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseMiddleware<AuthGate>();
        return app;
    }


    /// <summary>A session ends with its key: a revoked key's sessions are refused within the key cache duration.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyService>();
        if (context.Principal?.FindFirst(StacklAuthSchemes.KeyIdClaim)?.Value is not { } keyId || !await keys.IsActiveAsync(keyId, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(StacklAuthSchemes.Session);
        }
    }

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
