using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Stackl.Testing;
using static Microsoft.Playwright.Assertions;

namespace Stackl.Dashboard.Tests;

/// <summary>The Schedules page lists schedules with their next and last runs as they move, and pauses, triggers and deletes them.</summary>
public sealed partial class DashboardTests
{
    private const string EverySecond = """{"cron": "* * * * * *", "task": {"topic": "demo", "subtype": "echo", "payload": {"from": "schedule"}}}""";

    [Fact]
    public async Task Schedule_RowCountsItsRuns_AndIsPausedRunAndDeletedFromThePage()
    {
        await OpenAsync("#/schedules");
        await MarkPageAsync();
        await Expect(_page.Locator("#schedules-empty")).ToContainTextAsync("No schedules yet.");
        await Expect(_page.Locator("#schedule-curl")).ToContainTextAsync($"curl -X PUT '{_silo.Address.ToString().TrimEnd('/')}/api/schedules/");

        // Created through the API while the page is open: the periodic refresh brings its row.
        await PutScheduleAsync("every-second", EverySecond);
        var row = _page.Locator("#schedule-table tr[data-schedule='every-second']");
        await Expect(row.Locator(".state-cell")).ToHaveTextAsync("enabled");
        await Expect(row).ToContainTextAsync("* * * * * *");
        await Expect(row).ToContainTextAsync("demo/echo");
        await Expect(row.Locator(".next-cell .absolute")).ToHaveCountAsync(1);
        var first = await RunsAsync(row, "the schedule's first run is counted", runs => runs >= 1);
        await RunsAsync(row, $"the runs count grows past {first}", runs => runs > first);
        await Expect(row.Locator(".last-cell .last-task a")).ToHaveTextAsync(TaskId());
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "schedules.png"), FullPage = true });

        await row.Locator("button[data-action='pause']").ClickAsync();
        await Expect(row.Locator(".state-cell")).ToHaveTextAsync("paused");
        await Expect(row.Locator(".next-cell")).ToHaveTextAsync("—");
        await Expect(row.Locator("button[data-action='resume']")).ToHaveTextAsync("Resume");
        var paused = await _silo.Api.GetFromJsonAsync<JsonElement>(new Uri("/api/schedules/every-second", UriKind.Relative));
        Assert.False(paused.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, paused.GetProperty("nextDue").ValueKind);

        // Run now starts a run even while paused, and links to its task.
        await row.Locator("button[data-action='trigger']").ClickAsync();
        var link = row.Locator(".triggered a");
        await Expect(link).ToHaveTextAsync(TaskId());
        var runId = await link.TextContentAsync();
        await link.ClickAsync();
        await Expect(_page).ToHaveURLAsync(TaskPage());
        Assert.EndsWith($"/{runId}", _page.Url, StringComparison.Ordinal);
        await Expect(_page.Locator("#task-status")).ToHaveTextAsync("Completed");
        await Expect(_page.Locator("#timeline-submitted")).ToContainTextAsync("Submitted by schedule/every-second");

        await _page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Schedules", Exact = true }).ClickAsync();
        await Expect(row.Locator(".state-cell")).ToHaveTextAsync("paused");
        var asked = new List<string>();
        _page.Dialog += async (_, dialog) =>
        {
            asked.Add(dialog.Message);
            await dialog.AcceptAsync();
        };
        await row.Locator("button[data-action='delete']").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(_page.Locator("#schedules-empty")).ToBeVisibleAsync();
        Assert.Equal(["Delete the schedule every-second? No further run starts; runs already started go on."], asked);
        using (var gone = await _silo.Api.GetAsync(new Uri("/api/schedules/every-second", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        await AssertNotReloadedAsync();
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task ScheduleCreatedWithTheForm_IsListedWithItsTimeZone_AndResumes()
    {
        await OpenAsync("#/schedules");
        await _page.Locator("#open-schedule-form").ClickAsync();
        await _page.Locator("#schedule-name").FillAsync("hourly-report");
        await _page.Locator("#schedule-cron").FillAsync("0 0 * * * *");
        await _page.Locator("#schedule-timezone").FillAsync("Europe/Paris");
        await _page.Locator("#schedule-overlap").SelectOptionAsync("queue");
        await _page.Locator("#schedule-catchup").SelectOptionAsync("none");
        await _page.Locator("#schedule-task").FillAsync("""{"topic": "demo", "subtype": "echo", "payload": {"report": "hourly"}, "enabled": true}""");
        await _page.Locator("#schedule-save").ClickAsync();

        // A task field the API does not know is refused with the silo's own words, and the form stays open to fix it.
        await Expect(_page.Locator(".toast.bad")).ToContainTextAsync("enabled");
        await _page.Locator("#schedule-task").FillAsync("""{"topic": "demo", "subtype": "echo", "payload": {"report": "hourly"}}""");
        await _page.Locator("#schedule-save").ClickAsync();
        await Expect(_page.Locator("#schedule-form")).ToHaveCountAsync(0);

        var row = _page.Locator("#schedule-table tr[data-schedule='hourly-report']");
        await Expect(row).ToContainTextAsync("Europe/Paris");
        await Expect(row).ToContainTextAsync("queue");
        await Expect(row).ToContainTextAsync("none");
        await Expect(row.Locator(".last-cell")).ToHaveTextAsync("never");
        await Expect(row.Locator(".next-cell .relative")).ToHaveTextAsync(new Regex("^in "));

        await row.Locator("button[data-action='pause']").ClickAsync();
        await Expect(row.Locator(".next-cell")).ToHaveTextAsync("—");
        await row.Locator("button[data-action='resume']").ClickAsync();
        await Expect(row.Locator(".state-cell")).ToHaveTextAsync("enabled");
        await Expect(row.Locator(".next-cell .relative")).ToHaveTextAsync(new Regex("^in "));

        var saved = await _silo.Api.GetFromJsonAsync<JsonElement>(new Uri("/api/schedules/hourly-report", UriKind.Relative));
        Assert.Equal(("0 0 * * * *", "Europe/Paris", """{"report":"hourly"}"""), (saved.GetProperty("cron").GetString(), saved.GetProperty("timeZone").GetString(), saved.GetProperty("task").GetProperty("payload").GetRawText()));
        Assert.Empty(_pageErrors);
    }

    [GeneratedRegex("^[0-9a-z]{26}$")]
    private static partial Regex TaskId();

    /// <summary>Waits until the row's runs count satisfies <paramref name="done"/>; returns it.</summary>
    private static Task<long> RunsAsync(ILocator row, string phase, Func<long, bool> done) =>
        Eventually.ValueAsync(
            phase,
            async () => long.TryParse(await row.Locator(".runs-cell").TextContentAsync(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var runs) ? runs : -1,
            done,
            TimeSpan.FromSeconds(20));

    private async Task PutScheduleAsync(string name, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _silo.Api.PutAsync(new Uri($"/api/schedules/{name}", UriKind.Relative), content);
        Assert.True(response.IsSuccessStatusCode, $"PUT /api/schedules/{name} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
