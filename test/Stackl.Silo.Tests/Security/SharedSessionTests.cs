using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Stackl.Silo.Security;
using Stackl.Storage;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Silo.Tests.Security;

/// <summary>
/// Dashboard sessions are sealed with the data-protection key ring in the cluster's database: a session opened on one silo is valid
/// on another silo of the database (no sticky sessions), and on the same database after a restart.
/// </summary>
public sealed class SharedSessionTests
{
    private const string EchoTask = """{"topic":"demo","subtype":"echo","payload":{"message":"from a session"}}""";

    [Fact]
    public async Task Session_OpenedOnOneSilo_IsValidOnAnotherSiloOfTheDatabase()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("sessions");
        await using var first = Silo(connectionString, "session-a");
        await using var second = Silo(connectionString, "session-b");

        var (cookie, token) = await SignInAsync(first);

        await AssertSessionWorksAsync(second, cookie, token, "the other silo");
        AssertKeysInTheDatabase(first);
        AssertKeysInTheDatabase(second);
        Assert.NotEmpty(await KeyNamesAsync(second));
    }

    [Fact]
    public async Task Session_AfterTheSiloRestartsOnTheSameDatabase_IsStillValid()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("restart");
        string cookie;
        string token;
        IReadOnlyList<string> keysBefore;
        await using (var before = Silo(connectionString, "restarted"))
        {
            (cookie, token) = await SignInAsync(before);
            keysBefore = await KeyNamesAsync(before);
        }

        await using var after = Silo(connectionString, "restarted");

        await AssertSessionWorksAsync(after, cookie, token, "the restarted silo");
        Assert.Equal(keysBefore, await KeyNamesAsync(after));
    }

    private static WebSilo Silo(string connectionString, string name) => WebSilo.Start(
        realHttp: true,
        ("Stackl:Storage:Provider", "postgres"),
        ("Stackl:Storage:ConnectionString", connectionString),
        ("Stackl:Cluster:ClusterId", "session-tests"),
        ("Stackl:Silo:SiloName", name));

    /// <summary>Signs in as a browser does and returns the cookies it got (as a Cookie header) and the anti-forgery token.</summary>
    private static async Task<(string Cookie, string Token)> SignInAsync(WebSilo silo)
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }, disposeHandler: true) { BaseAddress = silo.BaseAddress };
        using var response = await browser.PostAsync(new Uri("/auth/session", UriKind.Relative), Json($$"""{"key":"{{TestKeys.Admin}}"}"""));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"signing in answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var token = json.RootElement.GetProperty("antiforgeryToken").GetString();
        Assert.False(string.IsNullOrEmpty(token), $"signing in gave no anti-forgery token: {body}");

        var cookie = cookies.GetCookieHeader(silo.BaseAddress);
        Assert.Contains("stackl_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("stackl_antiforgery=", cookie, StringComparison.Ordinal);
        return (cookie, token!);
    }

    /// <summary>Reads and changes through <paramref name="silo"/> with the session's cookie only (another host: the header is set by hand).</summary>
    private static async Task AssertSessionWorksAsync(WebSilo silo, string cookie, string token, string which)
    {
        using var browser = new HttpClient(new HttpClientHandler { UseCookies = false }, disposeHandler: true) { BaseAddress = silo.BaseAddress };

        using var list = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/tasks", UriKind.Relative));
        list.Headers.Add("Cookie", cookie);
        using var listed = await browser.SendAsync(list);
        Assert.True(listed.StatusCode == HttpStatusCode.OK, $"GET /api/tasks on {which} with the session cookie answered {(int)listed.StatusCode}: {await listed.Content.ReadAsStringAsync()}");

        using var submit = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/tasks?wait=10s", UriKind.Relative)) { Content = Json(EchoTask) };
        submit.Headers.Add("Cookie", cookie);
        submit.Headers.Add(SessionApi.AntiforgeryHeader, token);
        using var submitted = await browser.SendAsync(submit);
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, $"POST /api/tasks on {which} with the session cookie and its token answered {(int)submitted.StatusCode}: {await submitted.Content.ReadAsStringAsync()}");

        // The token is checked there too: the session, not something else, is what the silo accepted.
        using var forged = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/tasks?wait=10s", UriKind.Relative)) { Content = Json(EchoTask) };
        forged.Headers.Add("Cookie", cookie);
        using var refused = await browser.SendAsync(forged);
        Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"POST /api/tasks on {which} without the token answered {(int)refused.StatusCode}: {await refused.Content.ReadAsStringAsync()}");
    }

    /// <summary>The silo keeps its key ring in the database, not in a folder of this machine that every test silo would share.</summary>
    private static void AssertKeysInTheDatabase(WebSilo silo) =>
        Assert.IsType<RelationalXmlRepository>(silo.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);

    private static async Task<IReadOnlyList<string>> KeyNamesAsync(WebSilo silo) =>
        await silo.Services.GetRequiredService<StorageEngine>().QueryAsync(
            SqlStatement.Of("SELECT name FROM stackl_data_protection_keys ORDER BY name"), reader => reader.GetString(0));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
