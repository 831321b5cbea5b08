using System.Net;
using System.Text.RegularExpressions;
using Stackl.Cli;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Client.Tests;

/// <summary>How the SDK and the CLI meet a silo's limits (<c>Stackl:Limits</c>): a 429 is <see cref="StacklRateLimitedException"/>, and waits retry after it.</summary>
public sealed partial class RateLimitedClientTests
{
    [Fact]
    public async Task OverTheRate_ThrowsStacklRateLimitedException_WithRetryAfter()
    {
        await using var silo = WebSilo.Start(realHttp: false, ("Stackl:Limits:RequestsPerSecond", "2"), ("Stackl:Limits:Burst", "2"), ("Stackl:Limits:LimitAnonymous", "true"));
        using var client = new StacklClient(silo.Http);
        var limited = await Assert.ThrowsAsync<StacklRateLimitedException>(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await client.ListTasksAsync(limit: 1);
            }
        });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(ErrorCodes.RateLimited, limited.Code);
        Assert.True(limited.RetryAfter >= TimeSpan.FromSeconds(1), $"RetryAfter is {limited.RetryAfter}");
        Assert.Contains("Stackl:Limits:RequestsPerSecond", limited.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitAsync_OverTheOpenWaitsCap_RetriesAfterRetryAfter()
    {
        await using var silo = WebSilo.Start(realHttp: false, ("Stackl:Limits:MaxOpenWaits", "1"), ("Stackl:Limits:LimitAnonymous", "true"));
        using var client = new StacklClient(silo.Http);
        var task = await client.SubmitAsync(new TaskSpec("demo", "sleep", System.Text.Json.JsonDocument.Parse("""{"ms":60000}""").RootElement, Timeout: TimeSpan.FromSeconds(90)), wait: TimeSpan.Zero);

        // Hold the one open wait the cap allows, and see a second one refused. A probe may take the slot before the held wait
        // reaches the silo (the held one is then refused and answers at once): it is sent again until it holds.
        Task<HttpResponseMessage> Hold() => silo.Http.GetAsync(new Uri($"/api/tasks/{task.Id}?wait=30s", UriKind.Relative));
        var held = Hold();
        await Eventually.ValueAsync(
            "a second wait is refused",
            async () =>
            {
                if (held.IsCompleted)
                {
                    (await held).Dispose();
                    held = Hold();
                }

                using var probe = await silo.Http.GetAsync(new Uri($"/api/tasks/{task.Id}?wait=1ms", UriKind.Relative));
                return probe.StatusCode;
            },
            status => status == HttpStatusCode.TooManyRequests);

        // The SDK's wait is refused too, and keeps asking after each Retry-After rather than failing.
        var refusedBefore = await RejectedWaitsAsync(silo);
        var waiting = client.WaitAsync(task.Id, TimeSpan.FromSeconds(30));
        await Eventually.ValueAsync("the SDK's wait is refused at least once", () => RejectedWaitsAsync(silo), count => count > refusedBefore);
        Assert.False(waiting.IsCompleted, "the SDK's wait ended while the cap was reached");
        await client.CancelAsync(task.Id, wait: TimeSpan.Zero);
        (await held).Dispose();
        Assert.Equal(TaskStatus.Cancelled, (await waiting).Status);
    }

    [Fact]
    public async Task Cli_OverTheRate_ExitsWithLimited()
    {
        await using var silo = WebSilo.Start(realHttp: true, ("Stackl:Limits:RequestsPerSecond", "1"), ("Stackl:Limits:Burst", "1"), ("Stackl:Limits:LimitAnonymous", "true"));
        CliResult result = null!;
        for (var i = 0; i < 20; i++)
        {
            result = await CliRunner.RunAsync(silo.BaseAddress, "tasks", "list", "--limit", "1");
            if (result.ExitCode != ExitCodes.Success)
            {
                break;
            }
        }

        Assert.True(result.ExitCode == ExitCodes.Limited, result.ToString());
        Assert.Contains("rate_limited", result.Err, StringComparison.Ordinal);
        Assert.Contains("retry after", result.Err, StringComparison.Ordinal);
    }

    private static async Task<double> RejectedWaitsAsync(WebSilo silo)
    {
        using var metrics = await silo.Http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var match = RejectedWaits().Match(await metrics.Content.ReadAsStringAsync());
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex("""stackl_http_rejected_total\{[^}]*reason="too_many_waits"[^}]*\} (\S+)""")]
    private static partial Regex RejectedWaits();
}
