using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Stackl.Dashboard.Tests;

/// <summary>The dashboard in a real browser against a real silo: every test starts its own silo on a fresh database.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class DashboardTests(BrowserFixture browser) : IAsyncLifetime
{
    /// <summary>Set to 1 to refresh the README's screenshot, docs/dashboard.png, from the overview test.</summary>
    public const string UpdateScreenshotVariable = "STACKL_UPDATE_SCREENSHOTS";

    private readonly List<string> _pageErrors = [];
    private SiloServer _silo = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _silo = SiloServer.Start();
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1360, Height = 900 } });
        _page = await _context.NewPageAsync();
        _page.PageError += (_, error) => _pageErrors.Add(error);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task EmptySilo_EveryPageSaysWhatToDo()
    {
        await OpenAsync("#/overview");
        await Expect(_page.Locator("#welcome")).ToContainTextAsync("This silo has not run any tasks yet.");
        await Expect(_page.Locator("[data-card=silos] .value")).ToHaveTextAsync("1 / 1");

        await OpenAsync("#/tasks");
        await Expect(_page.Locator(".empty")).ToContainTextAsync("No tasks yet.");
        await OpenAsync("#/documents");
        await Expect(_page.Locator(".empty")).ToContainTextAsync("No documents yet.");
        await OpenAsync("#/locks");
        await Expect(_page.Locator(".empty")).ToContainTextAsync("No document is locked right now.");
        await OpenAsync("#/reminders");
        await Expect(_page.Locator(".empty")).ToContainTextAsync("No reminder is scheduled.");
        await OpenAsync("#/schedules");
        await Expect(_page.Locator(".empty")).ToContainTextAsync("No schedules yet.");
        await OpenAsync("#/failures");
        await Expect(_page.Locator(".empty").First).ToContainTextAsync("no rollback has ever failed");
        await Expect(_page.Locator(".empty").Last).ToContainTextAsync("No failed, timed-out or cancelled tasks.");
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task TaskSubmittedFromThePage_ReachesCompleted_WithoutReload()
    {
        await OpenAsync("#/tasks");
        await MarkPageAsync();

        await _page.Locator("#open-submit").ClickAsync();
        await _page.Locator("#submit-handler").SelectOptionAsync("demo/sleep");
        await _page.Locator("#submit-payload").FillAsync("""{"ms": 4000}""");
        await _page.Locator("#submit-button").ClickAsync();

        await Expect(_page).ToHaveURLAsync(TaskPage());
        var taskId = _page.Url[(_page.Url.LastIndexOf('/') + 1)..];
        await Expect(_page.Locator("#task-status")).ToHaveTextAsync("Running");
        await Expect(_page.Locator("#timeline")).ToContainTextAsync("sleeping 4000 ms");
        await Expect(_page.Locator("#task-status")).ToHaveTextAsync("Completed");
        await Expect(_page.Locator("#task-result")).ToContainTextAsync("\"slept\": 4000");

        // A task submitted elsewhere appears in the open list and changes status there.
        await _page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Tasks", Exact = true }).First.ClickAsync();
        await Expect(_page.Locator($"tr[data-task-id='{taskId}'] .status-cell")).ToHaveTextAsync("Completed");
        var otherId = await SubmitAsync("""{"topic": "demo", "subtype": "sleep", "payload": {"ms": 800}}""");
        await Expect(_page.Locator($"tr[data-task-id='{otherId}'] .status-cell")).ToHaveTextAsync("Completed");

        await AssertNotReloadedAsync();
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task DocumentHistory_ShowsTheDiffBetweenTwoVersions_AndRestoresAnEarlierOne()
    {
        await _silo.PutDocumentAsync("environment/prod", new { replicas = 1, region = "eu" });
        await _silo.PutDocumentAsync("environment/prod", new { replicas = 2, region = "eu" });
        await _silo.PutDocumentAsync("environment/prod", new { replicas = 3, region = "us" });

        await OpenAsync("#/documents");
        await _page.Locator("#document-table").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = "environment/prod" }).ClickAsync();
        await Expect(_page.Locator("#history-table tbody tr")).ToHaveCountAsync(3);
        await Expect(_page.Locator("#diff-summary")).ToContainTextAsync("version 2 → version 3");
        await Expect(_page.Locator("#diff .del")).ToHaveTextAsync(["-   \"region\": \"eu\",", "-   \"replicas\": 2"]);
        await Expect(_page.Locator("#diff .add")).ToHaveTextAsync(["+   \"region\": \"us\",", "+   \"replicas\": 3"]);

        await _page.Locator("#history-table tr[data-version='1'] input[name=from]").CheckAsync();
        await Expect(_page.Locator("#diff-summary")).ToContainTextAsync("version 1 → version 3");

        await MarkPageAsync();
        await _page.Locator("button[data-restore='1']").ClickAsync();
        await Expect(_page.Locator("#history-table tbody tr")).ToHaveCountAsync(4);
        await Expect(_page.Locator("#current-value")).ToContainTextAsync("\"replicas\": 1");
        await Expect(_page.Locator("#diff-summary")).ToContainTextAsync("version 3 → version 4");

        var restored = await _silo.Api.GetFromJsonAsync<JsonElement>(new Uri("/api/documents/environment/prod/history/4", UriKind.Relative));
        Assert.Equal("""{"replicas":1,"region":"eu"}""", restored.GetProperty("value").GetRawText());
        var restoreTask = await _silo.Api.GetFromJsonAsync<JsonElement>(new Uri($"/api/tasks/{restored.GetProperty("taskId").GetString()}", UriKind.Relative));
        Assert.Equal("restore", restoreTask.GetProperty("subtype").GetString());
        Assert.Equal("""{"key":"environment/prod","version":1}""", restoreTask.GetProperty("payload").GetRawText());
        await AssertNotReloadedAsync();
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task HeldLock_ShowsOwnerWaiterAndReminder_AndCancelledTaskIsListedAsAFailure()
    {
        var sleeper = await SubmitAsync("""{"topic": "demo", "subtype": "sleep", "payload": {"ms": 60000}, "documents": ["demo/locked"], "timeout": "90s"}""");
        await OpenAsync("#/locks");
        await Expect(_page.Locator("#lock-table")).ToContainTextAsync(sleeper);
        var waiter = await SubmitAsync("""{"topic": "document", "subtype": "put", "payload": {"key": "demo/locked", "value": {"free": true}}}""");
        await Expect(_page.Locator("#lock-table tbody tr")).ToContainTextAsync(waiter);

        await _page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Reminders", Exact = true }).ClickAsync();
        await Expect(_page.Locator("#reminder-table")).ToContainTextAsync(sleeper);

        await _page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Locks", Exact = true }).ClickAsync();
        await _page.Locator("#lock-table").GetByRole(AriaRole.Link, new LocatorGetByRoleOptions { Name = sleeper }).ClickAsync();
        await Expect(_page.Locator("#task-status")).ToHaveTextAsync("Running");
        await _page.Locator("#cancel-task").ClickAsync();
        await Expect(_page.Locator("#task-status")).ToHaveTextAsync("Cancelled");
        await Expect(_page.Locator("#task-error")).ToContainTextAsync("cancelled");

        // The waiter gets the lock once the sleeper rolled back.
        await _page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Failures" }).ClickAsync();
        await Expect(_page.Locator("#failure-table")).ToContainTextAsync(sleeper);
        await _page.GotoAsync(_silo.Dashboard($"#/tasks/{waiter}"));
        await Expect(_page.Locator("#task-status")).ToHaveTextAsync("Completed");
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task Overview_ShowsTheClusterLive_AndIsTheReadmeScreenshot()
    {
        for (var i = 0; i < 12; i++)
        {
            await _silo.RunTaskAsync($$"""{"topic": "demo", "subtype": "echo", "payload": {"n": {{i}} } }""");
        }

        await _silo.PutDocumentAsync("environment/prod", new { replicas = 2 });
        await _silo.PutDocumentAsync("environment/prod", new { replicas = 3 });
        await _silo.RunTaskAsync("""{"topic": "demo", "subtype": "fail", "payload": {"message": "disk full"}}""");
        await SubmitAsync("""{"topic": "demo", "subtype": "sleep", "payload": {"ms": 60000}, "documents": ["demo/locked"], "timeout": "90s"}""");

        await OpenAsync("#/overview");
        await MarkPageAsync();
        await Expect(_page.Locator("[data-card=silos] .value")).ToHaveTextAsync("1 / 1");
        await Expect(_page.Locator("[data-status-count=Completed] .n")).ToHaveTextAsync("14");
        await Expect(_page.Locator("[data-status-count=Failed] .n")).ToHaveTextAsync("1");
        await Expect(_page.Locator("[data-status-count=Running] .n")).ToHaveTextAsync("1");
        await Expect(_page.Locator("[data-card=p50] .value")).ToHaveTextAsync(new Regex(@"\d+(\.\d+)? (ms|s)$"));
        await Expect(_page.Locator("#feed")).ToContainTextAsync("demo/fail");

        await _silo.RunTaskAsync("""{"topic": "demo", "subtype": "echo", "payload": {"live": true}}""");
        await Expect(_page.Locator("[data-status-count=Completed] .n")).ToHaveTextAsync("15");
        await AssertNotReloadedAsync();
        Assert.Empty(_pageErrors);

        var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        if (Environment.GetEnvironmentVariable(UpdateScreenshotVariable) == "1")
        {
            File.Copy(screenshot, Path.Combine(RepositoryRoot(), "docs", "dashboard.png"), overwrite: true);
        }
    }

    [GeneratedRegex(@"#/tasks/[0-9a-z]{26}$")]
    private static partial Regex TaskPage();

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Stackl.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Stackl.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
    }

    /// <summary>Opens a dashboard page and waits until its event stream is connected.</summary>
    private async Task OpenAsync(string hash)
    {
        await _page.GotoAsync(_silo.Dashboard(hash));
        await Expect(_page.Locator("#live-text")).ToHaveTextAsync("Live");
    }

    /// <summary>Leaves a mark in the page's JavaScript state that a reload would wipe.</summary>
    private Task MarkPageAsync() => _page.EvaluateAsync("() => { window.stacklTestMark = 'not reloaded'; }");

    private async Task AssertNotReloadedAsync() =>
        Assert.Equal("not reloaded", await _page.EvaluateAsync<string?>("() => window.stacklTestMark ?? null"));

    /// <summary>Submits a task through the API without waiting for it; returns its id.</summary>
    private async Task<string> SubmitAsync(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _silo.Api.PostAsync(new Uri("/api/tasks", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"submit failed with {(int)response.StatusCode}: {body}");
        using var task = JsonDocument.Parse(body);
        return task.RootElement.GetProperty("id").GetString()!;
    }
}
