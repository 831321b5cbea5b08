using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using Stackl.Contracts;
using Stackl.Testing;
using static Microsoft.Playwright.Assertions;

namespace Stackl.Dashboard.Tests;

/// <summary>
/// The dashboard of a silo that requires credentials, in a real browser: a person signs in with a key and gets an HttpOnly,
/// SameSite=Strict session cookie; a read-only role sees everything and no control that changes anything, and the silo refuses
/// such changes from that session even when the page is bypassed; a session's changes need its anti-forgery token.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardSignInTests(BrowserFixture browser) : IAsyncLifetime
{
    private readonly List<string> _pageErrors = [];
    private SiloServer _silo = null!;
    private HttpClient _admin = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _silo = SiloServer.StartSecured();
        _admin = new HttpClient { BaseAddress = _silo.Address };
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestKeys.Admin);
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1360, Height = 900 } });
        _page = await _context.NewPageAsync();
        _page.PageError += (_, error) => _pageErrors.Add(error);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        _admin.Dispose();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task ReaderSignsIn_SeesTasksAndDocuments_ButNoControlThatChangesThem_AndTheSiloRefusesThem()
    {
        var taskId = await RunAsync("""{"topic":"demo","subtype":"sleep","payload":{"ms":30000}}""", wait: false);
        await RunAsync("""{"topic":"document","subtype":"put","payload":{"key":"env/prod","value":{"replicas":2}}}""");
        await RunAsync("""{"topic":"document","subtype":"put","payload":{"key":"env/prod","value":{"replicas":3}}}""");
        using (var schedule = await _admin.PutAsync(new Uri("/api/schedules/hourly", UriKind.Relative), new StringContent("""{"cron":"0 0 * * * *","task":{"topic":"demo","subtype":"echo","payload":{}}}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, schedule.StatusCode);
        }

        var readerKey = await CreateKeyAsync("alice", "reader");

        await _page.GotoAsync(_silo.Dashboard("#/tasks"));
        await Expect(_page.Locator("#signin")).ToBeVisibleAsync();
        await _page.FillAsync("#signin-key", "stk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        await _page.ClickAsync("#signin-button");
        await Expect(_page.Locator("#signin-error")).ToContainTextAsync("unknown or revoked");

        await _page.FillAsync("#signin-key", readerKey);
        await _page.ClickAsync("#signin-button");
        await Expect(_page.Locator("#session-name")).ToHaveTextAsync("alice (reader)");
        await Expect(_page.Locator($"a[href='#/tasks/{taskId}']").First).ToBeVisibleAsync();

        var session = (await _context.CookiesAsync()).Single(c => c.Name == "stackl_session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.DoesNotContain(readerKey, string.Join(";", (await _context.CookiesAsync()).Select(c => c.Value)), StringComparison.Ordinal);
        Assert.Equal(0, await _page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));

        // Read-only: no submit, no cancel, no write, no restore.
        await Expect(_page.Locator("#open-submit")).ToBeHiddenAsync();
        await _page.GotoAsync(_silo.Dashboard($"#/tasks/{taskId}"));
        await Expect(_page.Locator("#timeline")).ToBeVisibleAsync();
        await Expect(_page.Locator("#cancel-task")).ToHaveCountAsync(0);
        await _page.GotoAsync(_silo.Dashboard("#/documents/env/prod"));
        await Expect(_page.Locator("#current-value")).ToContainTextAsync("3");
        await Expect(_page.Locator("button.restore")).ToHaveCountAsync(0);
        await Expect(_page.GetByText("Write a new value")).ToBeHiddenAsync();
        await _page.GotoAsync(_silo.Dashboard("#/documents"));
        await Expect(_page.GetByText("Write a document")).ToBeHiddenAsync();
        await _page.GotoAsync(_silo.Dashboard("#/schedules"));
        await Expect(_page.Locator("#schedule-table tr[data-schedule='hourly'] .state-cell")).ToHaveTextAsync("enabled");
        await Expect(_page.Locator("#schedule-table button:visible")).ToHaveCountAsync(0);
        await Expect(_page.Locator("#open-schedule-form")).ToHaveCountAsync(0);

        // The page is only a convenience: the session itself is refused what the role may not do, token or not.
        var refused = await _page.EvaluateAsync<int[]>("""
            async () => {
              const session = await (await fetch('/auth/session')).json();
              const headers = { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': session.antiforgeryToken };
              const submit = await fetch('/api/tasks', { method: 'POST', headers, body: JSON.stringify({ topic: 'demo', subtype: 'echo', payload: {} }) });
              const cancel = await fetch('/api/tasks/TASK/cancel', { method: 'POST', headers });
              const put = await fetch('/api/documents/env/prod', { method: 'PUT', headers, body: '{"replicas":0}' });
              const schedule = await fetch('/api/schedules/nightly', { method: 'PUT', headers, body: JSON.stringify({ cron: '* * * * *', task: { topic: 'demo', subtype: 'echo', payload: {} } }) });
              const pause = await fetch('/api/schedules/hourly/pause', { method: 'POST', headers });
              const trigger = await fetch('/api/schedules/hourly/trigger', { method: 'POST', headers });
              const del = await fetch('/api/schedules/hourly', { method: 'DELETE', headers });
              return [submit.status, cancel.status, put.status, schedule.status, pause.status, trigger.status, del.status];
            }
            """.Replace("TASK", taskId, StringComparison.Ordinal));
        Assert.Equal([403, 403, 403, 403, 403, 403, 403], refused);

        using var document = await _admin.GetAsync(new Uri("/api/documents/env/prod", UriKind.Relative));
        Assert.Contains("\"replicas\":3", await document.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task OperatorSignsIn_CancelsFromThePage_AndASessionsChangeWithoutItsTokenIsRefused()
    {
        var taskId = await RunAsync("""{"topic":"demo","subtype":"sleep","payload":{"ms":30000}}""", wait: false);
        var operatorKey = await CreateKeyAsync("olga", "operator");
        await _page.GotoAsync(_silo.Dashboard($"#/tasks/{taskId}"));
        await _page.FillAsync("#signin-key", operatorKey);
        await _page.ClickAsync("#signin-button");
        await Expect(_page.Locator("#session-name")).ToHaveTextAsync("olga (operator)");

        // Without the anti-forgery token the session's cookie alone changes nothing (what a forged cross-site request has).
        var withoutToken = await _page.EvaluateAsync<int>("""
            async () => (await fetch('/api/tasks', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ topic: 'demo', subtype: 'echo', payload: {} }) })).status
            """);
        Assert.Equal(403, withoutToken);

        await _page.ClickAsync("#cancel-task");
        await Expect(_page.Locator("#task-status")).ToHaveTextAsync("Cancelled");

        // The timeline says who submitted the task and who cancelled it.
        await Expect(_page.Locator("#timeline-submitted")).ToContainTextAsync("Submitted by admin");
        await Expect(_page.Locator("#timeline-cancelled")).ToContainTextAsync("Cancel asked by olga");

        await _page.ClickAsync("#sign-out");
        await Expect(_page.Locator("#signin")).ToBeVisibleAsync();
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task RevokedKey_EndsItsSession()
    {
        var key = await CreateKeyAsync("bob", "reader");
        await _page.GotoAsync(_silo.Dashboard("#/tasks"));
        await _page.FillAsync("#signin-key", key);
        await _page.ClickAsync("#signin-button");
        await Expect(_page.Locator("#session-name")).ToHaveTextAsync("bob (reader)");

        using (var revoked = await _admin.DeleteAsync(new Uri("/api/keys/bob", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        await Eventually.ValueAsync(
            "the revoked key's session is refused",
            () => _page.EvaluateAsync<int>("async () => (await fetch('/api/tasks')).status"),
            status => status == 401,
            TimeSpan.FromSeconds(15));
    }

    private async Task<string> CreateKeyAsync(string name, string role)
    {
        using var response = await _admin.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { name, role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return TestSecrets.Register((await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.CreatedApiKey))!.Key);
    }

    private async Task<string> RunAsync(string json, bool wait = true)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _admin.PostAsync(new Uri(wait ? "/api/tasks?wait=10s" : "/api/tasks", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"submit failed with {(int)response.StatusCode}: {body}");
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView))!.Id;
    }
}
