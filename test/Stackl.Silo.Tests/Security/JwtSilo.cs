using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Security;

/// <summary>
/// A silo that requires credentials and takes JWTs from a test identity provider (<see cref="Issuer"/>, <see cref="Audience"/>,
/// signed with <see cref="SigningKey"/>), beside the test run's admin API key.
/// </summary>
public sealed class JwtSilo : IAsyncLifetime
{
    public const string Issuer = "https://sso.example.test/";
    public const string Audience = "stackl";

    /// <summary>The key the test provider signs with (HS256), shared with the silo as <c>Stackl:Auth:Jwt:SigningKey</c>.</summary>
    public static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(32);

    private WebSilo _silo = null!;

    /// <summary>What the silo logged (Information and above, the authentication handlers' failures included).</summary>
    public MemoryLoggerProvider Logs { get; } = new();

    /// <summary>The JWT settings of the silo.</summary>
    public static (string Key, string Value)[] JwtSettings =>
    [
        ("Stackl:Auth:Jwt:Issuer", Issuer),
        ("Stackl:Auth:Jwt:Audience", Audience),
        ("Stackl:Auth:Jwt:SigningKey", Convert.ToBase64String(SigningKey)),
    ];

    public Task InitializeAsync()
    {
        _silo = WebSilo.Start(
            realHttp: false,
            services => services.AddSingleton<ILoggerProvider>(Logs).AddLogging(b => b.AddFilter<MemoryLoggerProvider>(category: null, LogLevel.Information)),
            [("Stackl:Auth:Mode", "Required"), TestKeys.BootstrapSetting, .. JwtSettings]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    /// <summary>A token as the test provider issues it; each argument changes one thing about it.</summary>
    /// <param name="subject">The <c>sub</c> claim.</param>
    /// <param name="roles">The <c>roles</c> claim: a string, an array, or null for none.</param>
    /// <param name="issuer">The <c>iss</c> claim.</param>
    /// <param name="audience">The <c>aud</c> claim.</param>
    /// <param name="key">The signing key (default: <see cref="SigningKey"/>).</param>
    /// <param name="expires">When it expires (default: in 10 minutes).</param>
    public static string Token(
        string subject = "alice@example.test", object? roles = null, string issuer = Issuer, string audience = Audience, byte[]? key = null, DateTime? expires = null)
    {
        var until = expires ?? DateTime.UtcNow.AddMinutes(10);
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (roles is not null)
        {
            claims["roles"] = roles;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = until.AddMinutes(-20),
            NotBefore = until.AddMinutes(-20),
            Expires = until,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>Sends a request with <paramref name="bearer"/> as its bearer token (a JWT or an API key).</summary>
    public async Task<HttpResponseMessage> SendAsync(string bearer, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await _silo.Http.SendAsync(request);
    }

    /// <summary>How many tasks the silo has, as the administrator sees them.</summary>
    public async Task<int> TaskCountAsync()
    {
        using var response = await SendAsync(TestKeys.Admin, HttpMethod.Get, "/api/tasks?limit=500");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.PageTaskView))!.Items.Count;
    }

    /// <summary>Creates an API key as the administrator and returns it.</summary>
    public async Task<string> CreateKeyAsync(string name, string role)
    {
        using var response = await SendAsync(TestKeys.Admin, HttpMethod.Post, "/api/keys", $$"""{"name":"{{name}}","role":"{{role}}"}""");
        Assert.True(response.IsSuccessStatusCode, $"creating key {name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CreatedApiKey))!.Key;
    }
}
