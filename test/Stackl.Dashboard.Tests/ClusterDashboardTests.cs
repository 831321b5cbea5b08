using System.Text.Json;
using Microsoft.Playwright;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;
using static Microsoft.Playwright.Assertions;

namespace Stackl.Dashboard.Tests;

/// <summary>The dashboard of one silo of a two-silo PostgreSQL cluster, in a real browser: it shows the whole cluster.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ClusterDashboardTests(BrowserFixture browser)
{
    [Fact]
    public async Task TaskSubmittedOnSiloA_IsSeenCompletedLiveOnSiloB_WhoseOverviewListsBothSilos()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("dashboard_cluster");
        await using var a = SiloServer.StartInCluster(connectionString, "silo-a");
        await using var b = SiloServer.StartInCluster(connectionString, "silo-b");
        await Eventually.ValueAsync(
            "both silos are Active in silo B's /api/cluster",
            async () => JsonSerializer.Deserialize(await b.Api.GetStringAsync(new Uri("/api/cluster", UriKind.Relative)), ContractsJsonContext.Default.ClusterView)!,
            view => view.Silos.Count(s => s.Status == "Active") == 2,
            TimeSpan.FromSeconds(30));

        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1360, Height = 900 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync(b.Dashboard("#/tasks"));
        await Expect(page.Locator("#live-text")).ToHaveTextAsync("Live");
        await page.EvaluateAsync("() => { window.stacklTestMark = 'not reloaded'; }");

        // Submitted on A, it runs on A; B's open task list shows it, then sees it complete, from A's relayed events.
        var id = await SubmitAsync(a, """{"topic": "demo", "subtype": "sleep", "payload": {"ms": 1500}}""");
        var row = page.Locator($"tr[data-task-id='{id}']");
        await Expect(row.Locator(".status-cell")).ToHaveTextAsync("Completed");
        await Expect(row.Locator(".silo-cell")).ToHaveTextAsync("silo-a");

        await row.ClickAsync();
        await Expect(page.Locator("#task-status")).ToHaveTextAsync("Completed");
        await Expect(page.Locator("#task-silo")).ToHaveTextAsync("silo-a");

        // B's overview: both silos from membership, and the cluster's figures include the task that ran on A.
        await page.Locator("a[data-section=overview]").ClickAsync();
        await Expect(page.Locator("[data-card=silos] .value")).ToHaveTextAsync("2 / 2");
        foreach (var silo in new[] { "silo-a", "silo-b" })
        {
            await Expect(page.Locator($"#silo-table tr[data-silo='{silo}'] .silo-status")).ToHaveTextAsync("Active");
            await Expect(page.Locator($"#silo-table tr[data-silo='{silo}'] td").Nth(3)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@":\d+$"));
        }

        await Expect(page.Locator("#silo-table tr[data-silo='silo-a'] td").Nth(4)).ToHaveTextAsync("0.02");
        await Expect(page.Locator("[data-card=throughput] .value")).ToHaveTextAsync("0.02");
        await Expect(page.Locator("#stats-note")).ToContainTextAsync("silos silo-a, silo-b");
        await Expect(page.Locator("#orleans-link")).ToHaveAttributeAsync("href", "/orleans/");

        Assert.Equal("not reloaded", await page.EvaluateAsync<string?>("() => window.stacklTestMark ?? null"));
        Assert.Empty(errors);
    }

    private static async Task<string> SubmitAsync(SiloServer silo, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await silo.Api.PostAsync(new Uri("/api/tasks", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"submit failed with {(int)response.StatusCode}: {body}");
        using var task = JsonDocument.Parse(body);
        return task.RootElement.GetProperty("id").GetString()!;
    }
}
