using System.Net;
using System.Net.Http.Json;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Security;

/// <summary>
/// A silo that requires credentials (<c>--auth required</c>), started with the test run's admin key, a custom role
/// <c>deployer</c> and a short key cache; one key per role is created through the API as an administrator creates them.
/// </summary>
public sealed class SecuredSilo : IAsyncLifetime
{
    /// <summary>The custom role: demo tasks, flows, and document puts and transactions under <c>deploy/</c> only.</summary>
    public const string Deployer = "deployer";

    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private WebSilo _silo = null!;

    public static readonly string[] Roles = ["admin", "operator", "producer", "reader", Deployer];

    /// <summary>How long a silo trusts a key it read (the revocation test waits at most this long).</summary>
    public static readonly TimeSpan KeyCache = TimeSpan.FromMilliseconds(300);

    public IServiceProvider Services => _silo.Services;

    public async Task InitializeAsync()
    {
        _silo = WebSilo.Start(
            realHttp: false,
            ("Stackl:Auth:Mode", "Required"),
            TestKeys.BootstrapSetting,
            ("Stackl:Auth:KeyCacheDuration", KeyCache.ToString()),
            ("Stackl:Auth:Roles:deployer:Submit:0", "demo/*"),
            ("Stackl:Auth:Roles:deployer:Submit:1", "document/put"),
            ("Stackl:Auth:Roles:deployer:Submit:2", "document/transaction"),
            ("Stackl:Auth:Roles:deployer:Submit:3", "flow/run"),
            ("Stackl:Auth:Roles:deployer:Read:0", "deploy/*"),
            ("Stackl:Auth:Roles:deployer:Write:0", "deploy/*"));
        _keys["admin"] = TestKeys.Admin;
        foreach (var role in Roles.Where(r => r != "admin"))
        {
            _keys[role] = await CreateKeyAsync($"{role}-key", role);
        }
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    /// <summary>Every line the silo logged so far.</summary>
    public IReadOnlyCollection<string> LogLines => _silo.Log.Lines;

    /// <summary>The key of <paramref name="role"/> (named <c>&lt;role&gt;-key</c>); null for an anonymous caller.</summary>
    public string? KeyOf(string? role) => role is null ? null : _keys[role];

    /// <summary>The principal name of the role's key.</summary>
    public static string NameOf(string role) => role == "admin" ? "admin" : $"{role}-key";

    /// <summary>Creates a key as the administrator and returns it.</summary>
    public async Task<string> CreateKeyAsync(string name, string role)
    {
        using var response = await SendAsync("admin", HttpMethod.Post, "/api/keys", $$"""{"name":"{{name}}","role":"{{role}}"}""");
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating key {name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return TestSecrets.Register((await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CreatedApiKey))!.Key);
    }

    /// <summary>Sends a request as <paramref name="role"/> (null: no credentials).</summary>
    public Task<HttpResponseMessage> SendAsync(string? role, HttpMethod method, string path, string? json = null) =>
        SendWithKeyAsync(KeyOf(role), method, path, json);

    /// <summary>Sends a request with <paramref name="key"/> as bearer token (null: none).</summary>
    public Task<HttpResponseMessage> SendWithKeyAsync(string? key, HttpMethod method, string path, string? json = null) =>
        _silo.SendAsync(key, method, path, json);

    /// <summary>Submits a task as <paramref name="role"/>, waits for it and returns it (the request must succeed).</summary>
    public async Task<TaskView> SubmitAsync(string role, string json)
    {
        using var response = await SendAsync(role, HttpMethod.Post, "/api/tasks?wait=10s", json);
        Assert.True(response.IsSuccessStatusCode, $"{role} submitting {json} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView))!;
    }
}
