using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Security;

/// <summary>
/// The fuzzer's silo: <see cref="SecuredSilo"/>'s settings (credentials required, one key per role, the <c>deployer</c> role) with
/// limits high enough that 429 never hides an answer, a 50 ms cap on waits and a 64 KB body limit so that thousands of requests
/// stay fast; plus tasks and documents for the requests to hit, dashboard sessions, and keys an administrator may revoke.
/// </summary>
public sealed class FuzzSilo : IAsyncLifetime
{
    /// <summary>Keys the fuzzer's administrator may revoke (the role keys stay valid for the whole run).</summary>
    public static readonly string[] Victims = ["victim-1", "victim-2", "victim-3"];

    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sessions = new(StringComparer.Ordinal);
    private readonly List<string> _seedTasks = [];
    private WebSilo _silo = null!;

    /// <summary>A client of the in-memory server that keeps no cookies: each request says who sends it.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Tasks of each role (sleeping ones to cancel, finished ones to read), in a fixed order.</summary>
    public IReadOnlyList<string> SeedTasks => _seedTasks;

    /// <summary>Every key the fixture holds (role keys and victims): a sign-in body that holds none must not open a session.</summary>
    public IEnumerable<string> AllKeys => _keys.Values;

    public async Task InitializeAsync()
    {
        _silo = WebSilo.Start(
            realHttp: false,
            ("Stackl:Auth:Mode", "Required"),
            TestKeys.BootstrapSetting,
            ("Stackl:Auth:Roles:deployer:Submit:0", "demo/*"),
            ("Stackl:Auth:Roles:deployer:Submit:1", "document/put"),
            ("Stackl:Auth:Roles:deployer:Submit:2", "document/transaction"),
            ("Stackl:Auth:Roles:deployer:Read:0", "deploy/*"),
            ("Stackl:Auth:Roles:deployer:Write:0", "deploy/*"),
            ("Stackl:Api:MaxWait", "00:00:00.050"),
            ("Stackl:Api:MaxRequestBytes", "65536"),
            ("Stackl:Limits:RequestsPerSecond", "1000000"),
            ("Stackl:Limits:Burst", "1000000"),
            ("Stackl:Limits:MaxOpenWaits", "100000"),
            ("Stackl:Limits:MaxStreams", "100000"),
            ("Stackl:Limits:MaxTasksInFlight", "1000000"));

        // WebSilo's own client keeps cookies: a session opened by one fuzzed request would ride along with every later one.
        Http = ((TestServer)_silo.Services.GetRequiredService<IServer>()).CreateClient();
        _keys["admin"] = TestKeys.Admin;
        foreach (var role in SecuredSilo.Roles.Where(r => r != "admin"))
        {
            _keys[role] = await CreateKeyAsync(SecuredSilo.NameOf(role), role);
        }

        foreach (var victim in Victims)
        {
            _keys[victim] = await CreateKeyAsync(victim, "producer");
        }

        foreach (var role in new[] { "admin", "operator", "producer", SecuredSilo.Deployer })
        {
            _seedTasks.Add(await SubmitAsync(role, """{"topic":"demo","subtype":"sleep","payload":{"ms":120000}}"""));
            _seedTasks.Add(await SubmitAsync(role, """{"topic":"demo","subtype":"sleep","payload":{"ms":120000}}"""));
            _seedTasks.Add(await SubmitAsync(role, """{"topic":"demo","subtype":"echo","payload":{}}"""));
        }

        foreach (var key in new[] { "deploy/app", "deploy/app", "account/a", "doc/x" })
        {
            _seedTasks.Add(await SubmitAsync("admin", "{\"topic\":\"document\",\"subtype\":\"put\",\"payload\":{\"key\":\"" + key + "\",\"value\":{\"v\":1}}}"));
        }

        foreach (var role in new[] { "admin", "producer", "reader" })
        {
            _sessions[role] = await SignInAsync(_keys[role]);
        }
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        await _silo.DisposeAsync();
    }

    /// <summary>Every line the silo logged so far.</summary>
    public IReadOnlyCollection<string> LogLines => _silo.Log.Lines;

    /// <summary>The key of <paramref name="role"/>.</summary>
    public string KeyOf(string role) => _keys[role];

    /// <summary>The <c>Cookie</c> header of <paramref name="role"/>'s dashboard session.</summary>
    public string SessionOf(string role) => _sessions[role];

    /// <summary>Sends a request as the administrator and answers its status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> AdminAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestKeys.Admin);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Cancels the seeds that still sleep, so that the silo stops without waiting for them.</summary>
    public async Task CancelSeedsAsync()
    {
        foreach (var id in _seedTasks)
        {
            await AdminAsync(HttpMethod.Post, $"/api/tasks/{id}/cancel");
        }
    }

    private async Task<string> CreateKeyAsync(string name, string role)
    {
        var (status, body) = await AdminAsync(HttpMethod.Post, "/api/keys", $$"""{"name":"{{name}}","role":"{{role}}"}""");
        Assert.True(status == HttpStatusCode.Created, $"creating key {name} answered {(int)status}: {body}");
        return TestSecrets.Register(JsonSerializer.Deserialize(body, ContractsJsonContext.Default.CreatedApiKey)!.Key);
    }

    private async Task<string> SubmitAsync(string role, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/tasks", UriKind.Relative))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _keys[role]);
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{role} submitting {json} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView))!.Id;
    }

    private async Task<string> SignInAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/auth/session", UriKind.Relative))
        {
            Content = new StringContent($$"""{"key":"{{key}}"}""", Encoding.UTF8, "application/json"),
        };
        using var response = await Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"signing in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("stackl_session=", StringComparison.Ordinal));
        return cookie[..cookie.IndexOf(';', StringComparison.Ordinal)];
    }
}
