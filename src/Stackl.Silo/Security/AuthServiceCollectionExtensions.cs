using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>Adds and switches on authentication for the silo host.</summary>
internal static class AuthServiceCollectionExtensions
{
    /// <summary>Binds <c>Stackl:Auth</c>, registers the policy for this host's mode and the API key scheme.</summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="clustered">True in cluster (PostgreSQL) mode.</param>
    public static WebApplicationBuilder AddStacklAuth(this WebApplicationBuilder builder, bool clustered)
    {
        builder.Services.Configure<StacklAuthOptions>(builder.Configuration.GetSection(StacklAuthOptions.SectionName));
        builder.Services.AddSingleton(sp => new AuthPolicy(sp.GetRequiredService<IOptions<StacklAuthOptions>>(), clustered));
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);
        builder.Services.AddHostedService<AdminKeyBootstrap>(); // before UseOrleans and the web server: the key exists before the first request
        return builder;
    }

    /// <summary>Authenticates every request and gates <c>/api</c> and <c>/orleans</c> (see <see cref="AuthGate"/>).</summary>
    /// <param name="app">The application.</param>
    public static WebApplication UseStacklAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseMiddleware<AuthGate>();
        return app;
    }
}
