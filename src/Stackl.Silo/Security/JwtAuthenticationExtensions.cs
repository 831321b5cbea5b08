using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>Registers the JWT bearer scheme of <c>Stackl:Auth:Jwt</c>.</summary>
internal static class JwtAuthenticationExtensions
{
    /// <summary>Binds and validates <see cref="JwtAuthOptions"/>, and adds the <see cref="StacklAuthSchemes.Jwt"/> scheme when JWT is configured.</summary>
    /// <remarks>Reads the settings and the signing key at once, so a bad setting stops the start with a message naming it.</remarks>
    /// <param name="authentication">The authentication builder.</param>
    /// <param name="configuration">The silo's configuration.</param>
    public static AuthenticationBuilder AddStacklJwt(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        var section = configuration.GetSection(JwtAuthOptions.SectionName);
        var settings = section.Get<JwtAuthOptions>() ?? new JwtAuthOptions();
        var auth = configuration.GetSection(StacklAuthOptions.SectionName).Get<StacklAuthOptions>() ?? new StacklAuthOptions();
        settings.Validate(new RoleCatalog(Options.Create(auth)));
        authentication.Services.Configure<JwtAuthOptions>(section);
        authentication.Services.AddSingleton<JwtPrincipals>();
        if (!settings.Enabled)
        {
            return authentication;
        }

        var key = settings.LoadSigningKey();
        return authentication.AddJwtBearer(StacklAuthSchemes.Jwt, o =>
        {
            if (!string.IsNullOrWhiteSpace(settings.Authority))
            {
                o.Authority = settings.Authority;
                o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            }

            // Claims keep the names the provider gave them ('sub', 'roles'), so the settings name them as the provider's documents do.
            o.MapInboundClaims = false;
            o.Events = new JwtBearerEvents
            {
                // AuthGate answers the 401 itself; it says why from this, without authenticating the request a second time.
                OnAuthenticationFailed = failed =>
                {
                    failed.HttpContext.Items[JwtPrincipals.FailureKey] = failed.Exception;
                    return Task.CompletedTask;
                },
            };
            o.TokenValidationParameters = new TokenValidationParameters
            {
                AuthenticationType = StacklAuthSchemes.Jwt,
                ValidateIssuer = true,
                ValidIssuer = string.IsNullOrWhiteSpace(settings.Issuer) ? null : settings.Issuer, // null: the discovery document's issuer
                ValidateAudience = true,
                ValidAudience = settings.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                IssuerSigningKey = key,
                ClockSkew = settings.ClockSkew,
                NameClaimType = settings.NameClaim,
                RoleClaimType = settings.RoleClaim,
            };
        });
    }
}
