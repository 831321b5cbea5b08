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

    private static WebSilo Silo(string connectionString, string name) => WebSilo.Start(
        realHttp: false,
        ("Stackl:Storage:Provider", "postgres"),
        ("Stackl:Storage:ConnectionString", connectionString),
        ("Stackl:Cluster:ClusterId", "silo-tests"),
        ("Stackl:Silo:SiloName", name));
}
