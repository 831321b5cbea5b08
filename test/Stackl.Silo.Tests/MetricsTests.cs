using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Stackl.Silo.Tests;

/// <summary><c>/metrics</c> after real tasks: the domain's meters in the Prometheus text format, plus the database gauges.</summary>
public sealed partial class MetricsTests : Api.ApiTestBase
{
    private HttpClient Http => Silo.Http;

    [Fact]
    public async Task Metrics_AfterTasks_CountOutcomesAndMeasureDurationsLocksAndCommits()
    {
        await RunAsync("""{"topic": "demo", "subtype": "echo", "payload": {}}""");
        await RunAsync("""{"topic": "demo", "subtype": "fail", "payload": {"message": "no"}}""");
        await RunAsync("""{"topic": "document", "subtype": "put", "payload": {"key": "metrics/a", "value": 1}}""");

        var text = await Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Matches(Line(@"stackl_tasks_finished_total\{silo=""[^""]+"",status=""Completed"",topic=""demo""\} 1"), text);
        Assert.Matches(Line(@"stackl_tasks_finished_total\{silo=""[^""]+"",status=""Failed"",topic=""demo""\} 1"), text);
        Assert.Matches(Line(@"stackl_tasks_submitted_total\{silo=""[^""]+"",topic=""document""\} 1"), text);
        Assert.Matches(Line(@"stackl_task_duration_seconds_bucket\{silo=""[^""]+"",status=""Completed"",topic=""document"",le=""\+Inf""\} 1"), text);
        Assert.Matches(Line(@"stackl_task_duration_seconds_count\{silo=""[^""]+"",status=""Completed"",topic=""demo""\} 1"), text);
        Assert.Matches(Line(@"stackl_lock_wait_seconds_count\{silo=""[^""]+""\} 1"), text);
        Assert.Matches(Line(@"stackl_storage_commit_duration_seconds_count\{silo=""[^""]+"",engine=""sqlite""\} [1-9]\d*"), text);
        Assert.Matches(Line(@"stackl_tasks\{silo=""[^""]+"",status=""Completed""\} 2"), text);
        Assert.Matches(Line(@"stackl_tasks\{silo=""[^""]+"",status=""Failed""\} 1"), text);
        Assert.Matches(Line(@"stackl_activations\{silo=""[^""]+""\} [1-9]\d*"), text);
        Assert.Contains("# TYPE stackl_tasks_swept_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE stackl_tasks_finished_total counter", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_EveryLineIsACommentOrASample_AndBucketsAreCumulative()
    {
        await RunAsync("""{"topic": "demo", "subtype": "echo", "payload": {}}""");

        var lines = (await Http.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.All(lines, line => Assert.Matches(SampleOrComment(), line));
        var buckets = lines.Where(l => l.StartsWith("stackl_task_duration_seconds_bucket{", StringComparison.Ordinal) && l.Contains("status=\"Completed\"", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(buckets.Count > 2, "the duration histogram has buckets");
        Assert.Equal(buckets.Order(), buckets);
        Assert.Equal(1, buckets[^1]);
    }

    [GeneratedRegex(@"^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{([a-z_]+=""[^""\\]*"",)*[a-z_]+=""[^""\\]*""\})? -?(\d+(\.\d+)?(E[-+]?\d+)?|\+Inf|NaN))$")]
    private static partial Regex SampleOrComment();

    private static Regex Line(string pattern) => new($"(?m)^{pattern}$");

    private async Task RunAsync(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri("/api/tasks?wait=10s", UriKind.Relative), content);
        var task = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"submit answered {(int)response.StatusCode}: {task}");
        Assert.NotEqual("Running", task.GetProperty("status").GetString());
    }
}
