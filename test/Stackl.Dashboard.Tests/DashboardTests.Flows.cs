using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Stackl.Dashboard.Tests;

/// <summary>A flow's detail page draws its steps as a graph by dependency level and follows them live.</summary>
public sealed partial class DashboardTests
{
    /// <summary>The environment flow's steps and the level the page must put each in (network, then the VMs, then install, then dns).</summary>
    private static readonly (string Step, int Level)[] s_environmentLevels =
        [("network", 0), ("vm1", 1), ("vm2", 1), ("vm3", 1), ("install", 2), ("dns", 3)];

    [Fact]
    public async Task FlowWhoseStepFails_ShowsEveryStepRevertedOrFailed_WithItsRevertOrder()
    {
        // The sample as shipped: its dns step fails, so the flow reverts every completed step, newest first.
        var flowId = await SubmitAsync(await EnvironmentFlowAsync());
        await OpenAsync($"#/tasks/{flowId}");
        await Expect(_page.Locator("#task-status")).ToHaveTextAsync("Failed");

        var flow = await _silo.Api.GetFromJsonAsync<JsonElement>(new Uri($"/api/tasks/{flowId}", UriKind.Relative));
        var steps = flow.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(s_environmentLevels.Select(l => l.Step).Order(), steps.Keys.Order());
        await Expect(_page.Locator("#flow-graph .step")).ToHaveCountAsync(steps.Count);
        foreach (var (name, level) in s_environmentLevels)
        {
            var box = StepBox(name);
            await Expect(_page.Locator($"#flow-graph .flow-level[data-level='{level}'] .step[data-step='{name}']")).ToHaveCountAsync(1);
            await Expect(box).ToHaveAttributeAsync("data-status", name == "dns" ? "Failed" : "Reverted");
            await Expect(box.Locator(".step-status")).ToHaveTextAsync(name == "dns" ? "Failed" : "Reverted");
            await Expect(box.Locator(".step-handler")).ToHaveTextAsync("demo/provision");
            if (name == "dns")
            {
                await Expect(box.Locator(".step-revert")).ToHaveCountAsync(0);
            }
            else
            {
                await Expect(box.Locator(".step-revert")).ToHaveTextAsync($"↩ {steps[name].GetProperty("revertOrder").GetInt32()}");
            }
        }

        // Reverted newest first: install completed last, network first, the three VMs in between in whatever order they completed.
        await Expect(StepBox("install").Locator(".step-revert")).ToHaveTextAsync("↩ 1");
        await Expect(StepBox("network").Locator(".step-revert")).ToHaveTextAsync("↩ 5");
        Assert.Equal([2, 3, 4], new[] { "vm1", "vm2", "vm3" }.Select(n => steps[n].GetProperty("revertOrder").GetInt32()).Order());
        await Expect(StepBox("install").Locator(".step-attempt")).ToHaveTextAsync("attempt 2");
        await Expect(_page.Locator("#flow-graph path.edge")).ToHaveCountAsync(steps.Values.Sum(s => s.GetProperty("after").GetArrayLength()));
        await Expect(_page.Locator("#flow-graph path.edge[data-from='network'][data-to='vm2']")).ToHaveCountAsync(1);

        // A step's timeline opens on click: the failed attempt of dns, and the deletion network's revert logged.
        await StepBox("dns").ClickAsync();
        await Expect(_page.Locator("#step-detail .step-error")).ToContainTextAsync("creating dns env.example.org failed (asked to fail)");
        await Expect(_page.Locator("#step-timeline")).ToContainTextAsync("attempt 1 failed");
        await StepBox("network").ClickAsync();
        await Expect(_page.Locator("#step-detail")).ToHaveAttributeAsync("data-step", "network");
        await Expect(_page.Locator("#step-timeline")).ToContainTextAsync("deleted network net-1");
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task FlowThatCompletes_ShowsItsStepsLive_UntilEveryStepIsCompleted()
    {
        // The flow waits behind a task that holds its document, so the page is open before any step starts; install's
        // first attempt fails retryably and waits 4 s, long enough to see it Retrying.
        var holder = await SubmitAsync("""{"topic": "demo", "subtype": "sleep", "payload": {"ms": 60000}, "documents": ["demo/environment"], "timeout": "90s"}""");
        var json = (await EnvironmentFlowAsync())
            .Replace(", \"fail\": true", "", StringComparison.Ordinal)
            .Replace("\"initial\": \"200ms\", \"max\": \"5s\", \"jitter\": 0.2", "\"initial\": \"4s\", \"max\": \"4s\", \"jitter\": 0", StringComparison.Ordinal)
            .Replace("\"timeout\": \"1m\",", "\"timeout\": \"2m\", \"documents\": [\"demo/environment\"],", StringComparison.Ordinal);
        Assert.DoesNotContain("\"fail\"", json, StringComparison.Ordinal);
        Assert.Contains("\"initial\": \"4s\"", json, StringComparison.Ordinal);
        var flowId = await SubmitAsync(json);

        await OpenAsync($"#/tasks/{flowId}");
        await MarkPageAsync();
        await Expect(_page.Locator("#flow-graph .step")).ToHaveCountAsync(s_environmentLevels.Length);
        await Expect(_page.Locator("#flow-graph .step[data-status='Pending']")).ToHaveCountAsync(s_environmentLevels.Length);

        using (var cancel = await _silo.Api.PostAsync(new Uri($"/api/tasks/{holder}/cancel", UriKind.Relative), content: null))
        {
            Assert.True(cancel.IsSuccessStatusCode, $"cancelling the holder {holder} answered {(int)cancel.StatusCode}");
        }

        await Expect(StepBox("install")).ToHaveAttributeAsync("data-status", "Retrying");
        await Expect(StepBox("network")).ToHaveAttributeAsync("data-status", "Completed");
        await Expect(StepBox("dns")).ToHaveAttributeAsync("data-status", "Pending");
        await Expect(StepBox("install")).ToHaveAttributeAsync("data-status", "Completed");
        await Expect(_page.Locator("#task-status")).ToHaveTextAsync("Completed");
        foreach (var (name, _) in s_environmentLevels)
        {
            await Expect(StepBox(name).Locator(".step-status")).ToHaveTextAsync("Completed");
        }

        await Expect(_page.Locator("#flow-graph .step-revert")).ToHaveCountAsync(0);
        await Expect(StepBox("install").Locator(".step-attempt")).ToHaveTextAsync("attempt 2");
        await Expect(StepBox("vm1").Locator(".step-attempt")).ToHaveTextAsync("attempt 1");
        await Expect(_page.Locator("#flow-summary")).ToHaveTextAsync("6 Completed");

        await StepBox("install").ClickAsync();
        await Expect(_page.Locator("#step-timeline li")).ToContainTextAsync(["attempt 1 of 3 started", "attempt 1 failed", "attempt 2 of 3 started", "created packages web", "completed (attempt 2)"]);
        await AssertNotReloadedAsync();
        Assert.Empty(_pageErrors);
    }

    [Fact]
    public async Task SampleFlowSubmittedFromThePage_OpensOnItsGraph()
    {
        await OpenAsync("#/tasks");
        await _page.Locator("#open-submit").ClickAsync();
        await _page.Locator("#submit-handler").SelectOptionAsync("flow/run");
        await Expect(_page.Locator("#submit-payload")).ToHaveValueAsync(new Regex("\"unordered\""));
        await _page.Locator("#submit-button").ClickAsync();

        await Expect(_page).ToHaveURLAsync(TaskPage());
        await Expect(_page.Locator("#task-status")).ToHaveTextAsync("Completed");
        await Expect(_page.Locator("#flow-graph .step")).ToHaveCountAsync(4);
        await Expect(_page.Locator("#flow-graph .step[data-status='Completed']")).ToHaveCountAsync(4);
        await Expect(StepBox("vm2").Locator(".step-attempt")).ToHaveTextAsync("attempt 2");
        await Expect(_page.Locator("#flow-graph .flow-level[data-level='1'] .step")).ToHaveCountAsync(2);
        Assert.Empty(_pageErrors);
    }

    private ILocator StepBox(string name) => _page.Locator($"#flow-graph .step[data-step='{name}']");

    private static Task<string> EnvironmentFlowAsync() =>
        File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "samples", "flows", "environment.json"));
}
