using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>Adds and switches on authentication for the silo host.</summary>
internal static class AuthServiceCollectionExtensions
{
    /// <summary>Binds <c>Stackl:Auth</c>, registers the policy for this host's mode and the schemes: API keys, and JWTs when <c>Stackl:Auth:Jwt</c> is set.</summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="clustered">True in cluster (PostgreSQL) mode.</param>
    public static WebApplicationBuilder AddStacklAuth(this WebApplicationBuilder builder, bool clustered)
    {
        builder.Services.Configure<StacklAuthOptions>(builder.Configuration.GetSection(StacklAuthOptions.SectionName));
        builder.Services.AddSingleton(sp => new AuthPolicy(sp.GetRequiredService<IOptions<StacklAuthOptions>>(), clustered));
        builder.Services.AddAuthentication(StacklAuthSchemes.Default)
            .AddPolicyScheme(StacklAuthSchemes.Default, displayName: null, o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null)
            .AddStacklJwt(builder.Configuration); // only when Stackl:Auth:Jwt:Issuer or :Authority is set
        builder.Services.AddSingleton<StacklSchemeSelector>();
        builder.Services.AddHostedService<AdminKeyBootstrap>(); // before UseOrleans and the web server: the key exists before the first request
        return builder;
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
}
