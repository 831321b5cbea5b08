using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Stackl.Contracts;
using Stackl.Silo.Security;
using Stackl.Silo.Tests.Api;
using Stackl.Tasks.Security;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Security;

/// <summary>JWT bearer tokens from an external identity provider (<c>Stackl:Auth:Jwt</c>) on a silo that requires credentials.</summary>
public sealed class JwtTests(JwtSilo silo) : IClassFixture<JwtSilo>
{
    private const string Echo = """{"topic":"demo","subtype":"echo","payload":{"hello":"world"}}""";

    [Fact]
    public async Task Submit_WithAProducerToken_RunsTheTaskWithTheSubjectAsSource()
    {
        var subject = $"alice-{Guid.NewGuid():N}@example.test";
        using var response = await silo.SendAsync(JwtSilo.Token(subject, roles: "producer"), HttpMethod.Post, "/api/tasks?wait=10s", Echo);
        Assert.True(response.IsSuccessStatusCode, $"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var task = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView))!;
        Assert.Equal(subject, task.Source);

        // The producer sees its own task through the same token.
        using var read = await silo.SendAsync(JwtSilo.Token(subject, roles: "producer"), HttpMethod.Get, $"/api/tasks/{task.Id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task WhoAmI_WithAMultiValuedRoleClaim_TakesTheFirstStacklRole()
    {
        using var response = await silo.SendAsync(JwtSilo.Token("bob", roles: new[] { "employee", "reader", "producer" }), HttpMethod.Get, "/api/whoami");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("bob", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("reader", body.RootElement.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Submit_WithAReaderToken_Answers403AndStoresNothing()
    {
        var before = await silo.TaskCountAsync();
        using var response = await silo.SendAsync(JwtSilo.Token("carol", roles: "reader"), HttpMethod.Post, "/api/tasks?wait=10s", Echo);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ApiSilo.ProblemAsync(response);
        Assert.Equal(ErrorCodes.Forbidden, problem.Code);
        Assert.Contains("'carol' (role reader)", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await silo.TaskCountAsync());
    }

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "expired", "it expired" },
        { "wrong issuer", "its issuer is not Stackl:Auth:Jwt:Issuer" },
        { "wrong audience", "its audience is not Stackl:Auth:Jwt:Audience" },
        { "another key", "its signature does not match" },
        { "unsigned", "not valid" },
        { "not a token", "not valid" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Submit_WithAnInvalidToken_Answers401AndStoresNothing(string which, string detail)
    {
        var token = which switch
        {
            "expired" => JwtSilo.Token(roles: "admin", expires: DateTime.UtcNow.AddMinutes(-5)),
            "wrong issuer" => JwtSilo.Token(roles: "admin", issuer: "https://elsewhere.example.test/"),
            "wrong audience" => JwtSilo.Token(roles: "admin", audience: "another-app"),
            "another key" => JwtSilo.Token(roles: "admin", key: RandomNumberGenerator.GetBytes(32)),
            "unsigned" => string.Join('.', JwtSilo.Token(roles: "admin").Split('.')[..2]) + ".",
            _ => "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
        };
        var before = await silo.TaskCountAsync();
        using var response = await silo.SendAsync(token, HttpMethod.Post, "/api/tasks?wait=10s", Echo);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await ApiSilo.ProblemAsync(response);
        Assert.Equal(ErrorCodes.Unauthorized, problem.Code);
        Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(token, problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await silo.TaskCountAsync());
    }

    [Fact]
    public async Task RefusedAndAcceptedTokens_AreNeverLogged()
    {
        string[] tokens =
        [
            JwtSilo.Token("frank", roles: "producer", expires: DateTime.UtcNow.AddMinutes(-5)),
            JwtSilo.Token("frank", roles: "producer", key: RandomNumberGenerator.GetBytes(32)),
            JwtSilo.Token("frank", roles: "producer", issuer: "https://elsewhere.example.test/"),
            JwtSilo.Token("frank", roles: "producer"),
        ];
        foreach (var token in tokens)
        {
            using var response = await silo.SendAsync(token, HttpMethod.Get, "/api/whoami");
        }

        var lines = silo.Logs.Lines.ToArray();
        Assert.Contains(lines, line => line.Contains(StacklAuthSchemes.Jwt + " was not authenticated", StringComparison.Ordinal)); // the failures are logged...
        foreach (var token in tokens)
        {
            var signature = token.Split('.')[2];
            Assert.DoesNotContain(lines, line => line.Contains(signature, StringComparison.Ordinal)); // ...the tokens are not
        }
    }

    [Theory]
    [InlineData(null, "has no 'roles' claim")]
    [InlineData("employee", "'roles' = 'employee', none of them a Stackl role")]
    public async Task Submit_WithATokenWithoutAStacklRole_Answers403NamingTheClaimAndTheRoles(string? role, string expected)
    {
        var before = await silo.TaskCountAsync();
        using var response = await silo.SendAsync(JwtSilo.Token("dave", roles: role), HttpMethod.Post, "/api/tasks?wait=10s", Echo);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await ApiSilo.ProblemAsync(response);
        Assert.Equal(ErrorCodes.Forbidden, problem.Code);
        Assert.Contains(expected, problem.Detail, StringComparison.Ordinal);
        Assert.Contains("Stackl:Auth:Jwt:RoleClaim", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("admin, operator, producer, reader", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await silo.TaskCountAsync());
    }

    [Fact]
    public async Task ApiKeys_StillWorkBesideJwt()
    {
        var key = await silo.CreateKeyAsync($"ci-{Guid.NewGuid():N}"[..20], "producer");
        using var response = await silo.SendAsync(key, HttpMethod.Post, "/api/tasks?wait=10s", Echo);
        Assert.True(response.IsSuccessStatusCode, $"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var task = (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView))!;
        Assert.StartsWith("ci-", task.Source, StringComparison.Ordinal);

        // An unknown key is still refused by the key scheme, not handed to the JWT one.
        using var unknown = await silo.SendAsync("stk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", HttpMethod.Get, "/api/whoami");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task SiloWithoutJwtSettings_RefusesAValidToken()
    {
        await using var plain = WebSilo.Start(realHttp: false, ("Stackl:Auth:Mode", "Required"), TestKeys.BootstrapSetting);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/tasks?wait=10s", UriKind.Relative))
        {
            Content = ApiSilo.Json(Echo),
        };
        request.Headers.Authorization = new("Bearer", JwtSilo.Token(roles: "admin"));
        using var response = await plain.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await ApiSilo.ProblemAsync(response);
        Assert.Equal(ErrorCodes.Unauthorized, problem.Code);
        Assert.Contains("accepts no other tokens (Stackl:Auth:Jwt:Issuer is not set)", problem.Detail, StringComparison.Ordinal);

        using var list = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/tasks", UriKind.Relative));
        list.Headers.Authorization = new("Bearer", TestKeys.Admin);
        using var tasks = await plain.Http.SendAsync(list);
        Assert.Empty((await tasks.Content.ReadFromJsonAsync(ContractsJsonContext.Default.PageTaskView))!.Items);
    }

    [Fact]
    public void Resolve_WithDefaultRole_GivesARoleLessTokenThatRole()
    {
        var principals = new JwtPrincipals(
            Options.Create(new JwtAuthOptions { Issuer = JwtSilo.Issuer, Audience = JwtSilo.Audience, DefaultRole = "reader" }),
            new RoleCatalog(Options.Create(new StacklAuthOptions())));
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "erin"), new Claim("roles", "employee")], StacklAuthSchemes.Jwt));
        var (principal, refusal) = principals.Resolve(user);
        Assert.Null(refusal);
        Assert.Equal(("erin", "reader"), (principal!.Name, principal.Role));
    }

    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "Audience", "", "Stackl:Auth:Jwt:Audience is not set" },
        { "SigningKey", "", "has no way to check signatures" },
        { "DefaultRole", "boss", "Stackl:Auth:Jwt:DefaultRole is 'boss', which is no role; the roles are admin" },
        { "ClockSkew", "00:10:00", "Stackl:Auth:Jwt:ClockSkew" },
        { "Authority", "http://sso.example.test", "not https" },
        { "SigningCertificatePath", "/nonexistent/provider.pem", "Stackl:Auth:Jwt:SigningCertificatePath is '/nonexistent/provider.pem', which does not exist" },
        { "SigningKey", "c2hvcnQ=", "Stackl:Auth:Jwt:SigningKey has 5 bytes" },
        { "SigningKey", "not base64!", "Stackl:Auth:Jwt:SigningKey is not base64" },
        { "SigningCertificatePath", "", "SigningKey and Stackl:Auth:Jwt:SigningCertificatePath are both set" },
        { "Issuer", "", "neither Issuer nor Authority" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Options_WithAnInvalidSetting_ThrowNamingIt(string setting, string value, string expected)
    {
        var options = new JwtAuthOptions { Issuer = JwtSilo.Issuer, Audience = JwtSilo.Audience, SigningKey = Convert.ToBase64String(JwtSilo.SigningKey) };
        switch (setting)
        {
            case "Audience": options.Audience = null; break;
            case "SigningKey": options.SigningKey = value.Length == 0 ? null : value; break;
            case "DefaultRole": options.DefaultRole = value; break;
            case "ClockSkew": options.ClockSkew = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "Authority": options.Authority = value; break;
            case "SigningCertificatePath" when value.Length == 0: options.SigningCertificatePath = "/etc/stackl/idp.pem"; break;
            case "SigningCertificatePath": options.SigningKey = null; options.SigningCertificatePath = value; break;
            case "Issuer": options.Issuer = null; break;
        }

        var exception = Assert.Throws<InvalidOperationException>(() =>
        {
            options.Validate(new RoleCatalog(Options.Create(new StacklAuthOptions())));
            options.LoadSigningKey();
        });
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(JwtSilo.SigningKey), exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CERTIFICATE")]
    [InlineData("PUBLIC KEY")]
    public async Task SigningCertificatePath_WithAPemFile_ChecksTheProvidersRs256Tokens(string pem)
    {
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=idp", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(Path.GetTempPath(), $"stackl-idp-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(path, pem == "CERTIFICATE" ? certificate.ExportCertificatePem() : rsa.ExportSubjectPublicKeyInfoPem());
        try
        {
            var options = new JwtAuthOptions { Issuer = JwtSilo.Issuer, Audience = JwtSilo.Audience, SigningCertificatePath = path };
            options.Validate(new RoleCatalog(Options.Create(new StacklAuthOptions())));
            var key = options.LoadSigningKey()!;
            var handler = new JsonWebTokenHandler();
            var token = handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = JwtSilo.Issuer,
                Audience = JwtSilo.Audience,
                Expires = DateTime.UtcNow.AddMinutes(5),
                Claims = new Dictionary<string, object> { ["sub"] = "grace" },
                SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256),
            });
            var parameters = new TokenValidationParameters { ValidIssuer = JwtSilo.Issuer, ValidAudience = JwtSilo.Audience, IssuerSigningKey = key };
            var result = await handler.ValidateTokenAsync(token, parameters);
            Assert.True(result.IsValid, result.Exception?.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
