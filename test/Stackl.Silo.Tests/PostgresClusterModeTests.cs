using System.Text.Json;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Silo.Tests;

/// <summary>The stock host in PostgreSQL mode: a second silo started on the same database and cluster id joins the first one's cluster.</summary>
public sealed class PostgresClusterModeTests
{
    [Fact]
    public async Task SecondSilo_OnTheSameDatabase_JoinsTheCluster()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("cluster");
        await using var first = Silo(connectionString, "first");
        await using var second = Silo(connectionString, "second");
        var firstHttp = first.Http;
        var secondHttp = second.Http;

        var cluster = await Eventually.ValueAsync(
            "both silos list each other as Active in /api/cluster",
            async () => JsonSerializer.Deserialize(await firstHttp.GetStringAsync(new Uri("/api/cluster", UriKind.Relative)), ContractsJsonContext.Default.ClusterView)!,
            view => view.Silos.Count(s => s.Status == "Active") == 2 && view.Silos.Any(s => s.Name == "second"),
            TimeSpan.FromSeconds(30));
        Assert.Equal("first", cluster.Self);

        using var put = await secondHttp.PutAsync(new Uri("/api/documents/cluster/a?wait=10s", UriKind.Relative), new StringContent("""{"n": 1}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, put.StatusCode);
        var read = await firstHttp.GetStringAsync(new Uri("/api/documents/cluster/a", UriKind.Relative));
        Assert.Contains("\"version\":1", read, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaskEvents_OfATaskOnAnotherSilo_StreamThroughThisOneUntilFinal()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("events");
        await using var watcher = Silo(connectionString, "watcher");
        await using var runner = Silo(connectionString, "runner");
        await Eventually.ValueAsync(
            "both silos are Active",
            async () => JsonSerializer.Deserialize(await watcher.Http.GetStringAsync(new Uri("/api/cluster", UriKind.Relative)), ContractsJsonContext.Default.ClusterView)!,
            view => view.Silos.Count(s => s.Status == "Active") == 2,
            TimeSpan.FromSeconds(30));

        // A task runs on the silo that accepted it; its events are published there.
        using var submit = await runner.Http.PostAsync(new Uri("/api/tasks?wait=0s", UriKind.Relative), new StringContent("""{"topic":"demo","subtype":"sleep","payload":{"ms":1500}}""", System.Text.Encoding.UTF8, "application/json"));
        var task = JsonSerializer.Deserialize(await submit.Content.ReadAsStringAsync(), ContractsJsonContext.Default.TaskView)!;

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await watcher.Http.GetAsync(new Uri($"/api/tasks/{task.Id}/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);

        var statuses = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal))
            .Select(l => JsonSerializer.Deserialize(l[6..], ContractsJsonContext.Default.TaskEvent)!)
            .Where(e => e.Kind == TaskEvent.StatusKind && e.TaskId == task.Id).Select(e => e.Status).ToList();
        Assert.True(statuses.Count >= 2 && statuses[^1] == TaskStatus.Completed, $"the watcher's stream of task {task.Id}: {text}");
    }

    [Fact]
    public async Task TaskEvents_ResumedThroughAnotherSilo_MissNothingAndRepeatNothing()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("resume");
        await using var runner = Silo(connectionString, "runner");
        await using var other = Silo(connectionString, "other");
        await Eventually.ValueAsync(
            "both silos are Active",
            async () => JsonSerializer.Deserialize(await other.Http.GetStringAsync(new Uri("/api/cluster", UriKind.Relative)), ContractsJsonContext.Default.ClusterView)!,
            view => view.Silos.Count(s => s.Status == "Active") == 2,
            TimeSpan.FromSeconds(30));

        var gate = Guid.NewGuid().ToString("N");
        var task = await Api.TaskEventStreamTests.SubmitGatedAsync(runner.Http, gate, lines: 4);

        // The handler writes line 1 right after the submit's answer; the stream is opened once it did, as a client that saw it would.
        await Eventually.ValueAsync($"task {task.Id} shows its first line", () => Api.TaskEventStreamTests.GetTaskAsync(runner.Http, task.Id), t => t.Logs.Count == 1);
        using (var first = await Api.TaskEventStreamTests.OpenAsync(runner.Http, task.Id, lastEventId: null))
        {
            await Api.TaskEventStreamTests.ExpectAsync(first, "1.1", TaskEvent.LogKind, "line 1");
            await Api.TaskEventStreamTests.ExpectAsync(first, "1.1", TaskEvent.StatusKind, nameof(TaskStatus.Running));
        }

        // The client reconnects to the other silo after line 2 was written there: it reads the task on the runner, then follows the relay.
        GatedLogHandler.Open(gate);
        await Eventually.ValueAsync($"task {task.Id} shows its second line through the other silo", () => Api.TaskEventStreamTests.GetTaskAsync(other.Http, task.Id), t => t.Logs.Count == 2);
        using (var resumed = await Api.TaskEventStreamTests.OpenAsync(other.Http, task.Id, lastEventId: "1.1"))
        {
            await Api.TaskEventStreamTests.ExpectAsync(resumed, "2.1", TaskEvent.LogKind, "line 2");
            GatedLogHandler.Open(gate);
            await Api.TaskEventStreamTests.ExpectAsync(resumed, "3.1", TaskEvent.LogKind, "line 3");
            GatedLogHandler.Open(gate);
            await Api.TaskEventStreamTests.ExpectAsync(resumed, "4.1", TaskEvent.LogKind, "line 4");
            await Api.TaskEventStreamTests.ExpectAsync(resumed, "4.2", TaskEvent.StatusKind, nameof(TaskStatus.Completed));
            Assert.Null(await resumed.NextAsync("the end of the stream after the final status"));
        }

        // The task names the silo that ran it, whichever silo answers.
        Assert.Equal("runner", (await Api.TaskEventStreamTests.GetTaskAsync(other.Http, task.Id)).Silo);
        using var listing = await other.Http.GetAsync(new Uri($"/api/tasks?limit=5", UriKind.Relative));
        Assert.Equal("runner", JsonSerializer.Deserialize(await listing.Content.ReadAsStringAsync(), ContractsJsonContext.Default.PageTaskView)!.Items.Single(t => t.Id == task.Id).Silo);
    }

    [Fact]
    public async Task ClusterStats_AddUpEverySilosTasks_AskedThroughOrleans()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("stats");
        await using var first = Silo(connectionString, "stats-a");
        await using var second = Silo(connectionString, "stats-b");
        var cluster = await Eventually.ValueAsync(
            "both silos are Active",
            async () => JsonSerializer.Deserialize(await first.Http.GetStringAsync(new Uri("/api/cluster", UriKind.Relative)), ContractsJsonContext.Default.ClusterView)!,
            view => view.Silos.Count(s => s.Status == "Active") == 2,
            TimeSpan.FromSeconds(30));
        Assert.All(cluster.Silos, s => Assert.Matches(@"^[^:]+:\d+$", s.Address!));

        // One task completes on each silo, two fail on the second.
        foreach (var (silo, subtype) in new[] { (first, "echo"), (second, "echo"), (second, "fail"), (second, "fail") })
        {
            using var response = await silo.Http.PostAsync(new Uri("/api/tasks?wait=10s", UriKind.Relative), new StringContent($$"""{"topic":"demo","subtype":"{{subtype}}","payload":{"message":"boom"} }""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        using var stats = await Eventually.ValueAsync(
            "the cluster's last minute counts the tasks of both silos",
            async () => JsonDocument.Parse(await first.Http.GetStringAsync(new Uri("/api/stats/cluster", UriKind.Relative))),
            json => json.RootElement.GetProperty("cluster").GetProperty("lastMinute").GetProperty("completed").GetInt64() == 2
                && json.RootElement.GetProperty("cluster").GetProperty("lastMinute").GetProperty("failed").GetInt64() == 2,
            TimeSpan.FromSeconds(20));
        var root = stats.RootElement;
        Assert.Equal("cluster", root.GetProperty("cluster").GetProperty("silo").GetString());
        Assert.Equal(["stats-a", "stats-b"], root.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("silo").GetString()));
        Assert.Equal(0.5, root.GetProperty("cluster").GetProperty("lastMinute").GetProperty("errorRate").GetDouble());
        Assert.Equal(0, root.GetProperty("unanswered").GetArrayLength());
        Assert.Equal(60, root.GetProperty("cluster").GetProperty("series").GetArrayLength());
    }

    [Fact]
    public async Task StatsAndMetrics_NameTheSiloTheyDescribe()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("names");
        await using var silo = Silo(connectionString, "named-silo");

        var stats = await silo.Http.GetStringAsync(new Uri("/api/stats", UriKind.Relative));
        using var json = JsonDocument.Parse(stats);
        Assert.Equal("named-silo", json.RootElement.GetProperty("silo").GetString());
        var metrics = await silo.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("stackl_silo_up{silo=\"named-silo\"} 1", metrics, StringComparison.Ordinal);
    }

    private static WebSilo Silo(string connectionString, string name) => WebSilo.Start(
        realHttp: false,
        GatedLogHandler.Register,
        ("Stackl:Storage:Provider", "postgres"),
        ("Stackl:Storage:ConnectionString", connectionString),
        ("Stackl:Cluster:ClusterId", "silo-tests"),
        ("Stackl:Silo:SiloName", name));
}
