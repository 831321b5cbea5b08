using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Stackl.Silo.Tests;

/// <summary>The dashboard's assets and the read endpoints it adds: stats, reminders, lock queues and handlers.</summary>
public sealed class DashboardEndpointTests : Api.ApiTestBase
{
    private HttpClient Http => Silo.Http;

    [Theory]
    [InlineData("/dashboard", "text/html", "<title>Stackl dashboard</title>")]
    [InlineData("/dashboard/dashboard.js", "text/javascript", "new EventSource('/api/events')")]
    [InlineData("/dashboard/dashboard.css", "text/css", ".badge")]
    public async Task Dashboard_ServesItsEmbeddedFiles(string path, string mediaType, string content)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_UnchangedFile_IsAnswered304()
    {
        using var first = await Http.GetAsync(new Uri("/dashboard/dashboard.js", UriKind.Relative));
        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri("/dashboard/dashboard.js", UriKind.Relative));
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var response = await Http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Dashboard_UnknownFile_Is404()
    {
        using var response = await Http.GetAsync(new Uri("/dashboard/nope.js", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Stats_CountTheTasksThisSiloFinished()
    {
        await RunAsync("""{"topic": "demo", "subtype": "echo", "payload": {}}""");
        await RunAsync("""{"topic": "demo", "subtype": "fail", "payload": {"message": "no"}}""");

        var stats = await Http.GetFromJsonAsync<JsonElement>(new Uri("/api/stats", UriKind.Relative));

        var minute = stats.GetProperty("lastMinute");
        Assert.Equal(2, minute.GetProperty("submitted").GetInt64());
        Assert.Equal(1, minute.GetProperty("completed").GetInt64());
        Assert.Equal(1, minute.GetProperty("failed").GetInt64());
        Assert.Equal(0.5, minute.GetProperty("errorRate").GetDouble());
        Assert.True(minute.GetProperty("p50Ms").GetDouble() > 0);
        Assert.Equal(60, stats.GetProperty("series").GetArrayLength());
        Assert.Equal(1, stats.GetProperty("series").EnumerateArray().Sum(p => p.GetProperty("completed").GetInt64()));
    }

    [Fact]
    public async Task LockQueuesAndReminders_ShowTheHolderItsWaiterAndItsDeadline()
    {
        var holder = await SubmitAsync("""{"topic": "demo", "subtype": "sleep", "payload": {"ms": 30000}, "documents": ["queue/a"], "timeout": "60s"}""");
        await WaitUntilAsync("the sleeper holds queue/a", async () => (await LockQueuesAsync()).Any(q => q.GetProperty("owner").GetString() == holder));
        var waiter = await SubmitAsync("""{"topic": "document", "subtype": "put", "payload": {"key": "queue/a", "value": 1}}""");
        await WaitUntilAsync("the put queues behind the sleeper", async () => (await LockQueuesAsync()).Any(q => q.GetProperty("waiting").EnumerateArray().Any(w => w.GetString() == waiter)));

        var reminders = await Http.GetFromJsonAsync<JsonElement>(new Uri("/api/reminders", UriKind.Relative));

        var deadline = reminders.EnumerateArray().Single(r => r.GetProperty("grainKey").GetString() == holder);
        Assert.Equal("task", deadline.GetProperty("grainType").GetString());
        Assert.Equal("deadline", deadline.GetProperty("name").GetString());
        using var cancel = await Http.PostAsync(new Uri($"/api/tasks/{holder}/cancel", UriKind.Relative), null);
    }

    [Fact]
    public async Task Handlers_ListTheBuiltInTopics()
    {
        var handlers = await Http.GetFromJsonAsync<string[]>(new Uri("/api/handlers", UriKind.Relative));

        Assert.Contains("demo/echo", handlers!);
        Assert.Contains("document/restore", handlers!);
    }

    private static async Task WaitUntilAsync(string phase, Func<Task<bool>> condition)
    {
        await Stackl.Testing.Eventually.ValueAsync(phase, condition, done => done, TimeSpan.FromSeconds(15));
    }

    private async Task<List<JsonElement>> LockQueuesAsync() =>
        [.. (await Http.GetFromJsonAsync<JsonElement>(new Uri("/api/locks/queues", UriKind.Relative))).EnumerateArray()];

    private async Task<string> SubmitAsync(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri("/api/tasks", UriKind.Relative), content);
        var task = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"submit answered {(int)response.StatusCode}: {task}");
        return task.GetProperty("id").GetString()!;
    }

    private async Task RunAsync(string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri("/api/tasks?wait=10s", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
