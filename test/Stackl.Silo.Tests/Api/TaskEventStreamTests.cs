using System.Net;
using System.Net.Http.Json;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Api;

/// <summary><c>GET /api/tasks/{id}/events</c>: every event carries an id, and a client that reconnects with <c>Last-Event-ID</c> gets what it missed, once.</summary>
public sealed class TaskEventStreamTests : IAsyncLifetime
{
    private WebSilo _silo = null!;

    public Task InitializeAsync()
    {
        _silo = WebSilo.Start(realHttp: false, GatedLogHandler.Register, ("Stackl:Silo:SiloName", "stream-silo"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Events_WatcherArrivingMidRun_GetsTheLinesWrittenBeforeIt_AndResumesWithoutGapsOrRepeats()
    {
        var gate = Guid.NewGuid().ToString("N");
        var task = await SubmitGatedAsync(_silo.Http, gate, lines: 4);
        Assert.Equal("stream-silo", task.Silo);

        // Line 1 is written at once and stored only with the task's outcome; the task's view shows it already.
        await Eventually.ValueAsync($"task {task.Id} shows its first line", () => GetTaskAsync(_silo.Http, task.Id), t => t.Logs.Count == 1);
        using (var first = await OpenAsync(_silo.Http, task.Id, lastEventId: null))
        {
            await ExpectAsync(first, "1.1", TaskEvent.LogKind, "line 1");
            await ExpectAsync(first, "1.1", TaskEvent.StatusKind, nameof(TaskStatus.Running));
        }

        // Line 2 is written while no one watches.
        GatedLogHandler.Open(gate);
        await Eventually.ValueAsync($"task {task.Id} shows its second line", () => GetTaskAsync(_silo.Http, task.Id), t => t.Logs.Count == 2);
        using (var resumed = await OpenAsync(_silo.Http, task.Id, lastEventId: "1.1"))
        {
            await ExpectAsync(resumed, "2.1", TaskEvent.LogKind, "line 2");
            GatedLogHandler.Open(gate);
            await ExpectAsync(resumed, "3.1", TaskEvent.LogKind, "line 3");
            GatedLogHandler.Open(gate);
            await ExpectAsync(resumed, "4.1", TaskEvent.LogKind, "line 4");
            await ExpectAsync(resumed, "4.2", TaskEvent.StatusKind, nameof(TaskStatus.Completed));
            Assert.Null(await resumed.NextAsync("the end of the stream after the final status"));
        }

        // Resuming a final task sends what is past the position and ends; the query parameter works like the header.
        using (var late = await OpenAsync(_silo.Http, task.Id, lastEventId: "2.1", asQuery: true))
        {
            await ExpectAsync(late, "3.1", TaskEvent.LogKind, "line 3");
            await ExpectAsync(late, "4.1", TaskEvent.LogKind, "line 4");
            await ExpectAsync(late, "4.2", TaskEvent.StatusKind, nameof(TaskStatus.Completed));
            Assert.Null(await late.NextAsync("the end of the stream"));
        }

        using (var done = await OpenAsync(_silo.Http, task.Id, lastEventId: "4.2"))
        {
            Assert.Null(await done.NextAsync("the end of a stream that has nothing new"));
        }

        var stored = await GetTaskAsync(_silo.Http, task.Id);
        Assert.Equal(["line 1", "line 2", "line 3", "line 4"], stored.Logs.Select(l => l.Message));
    }

    [Fact]
    public async Task Events_MalformedLastEventId_Is400()
    {
        var task = await SubmitGatedAsync(_silo.Http, Guid.NewGuid().ToString("N"), lines: 1);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/tasks/{task.Id}/events", UriKind.Relative));
        request.Headers.Add("Last-Event-ID", "yesterday");
        using var response = await _silo.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("3.1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllEvents_CarryTaskAndPositionIds()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await _silo.Http.GetAsync(new Uri("/api/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var events = new ServerSentEventReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var task = await SubmitGatedAsync(_silo.Http, Guid.NewGuid().ToString("N"), lines: 1);

        var seen = new List<string?>();
        while (await events.NextAsync($"the events of task {task.Id}") is var (id, e) && !(e.TaskId == task.Id && e.Status == TaskStatus.Completed))
        {
            seen.Add(id);
        }

        Assert.Contains($"{task.Id}/0.1", seen);
        Assert.Contains($"{task.Id}/1.1", seen);
    }

    internal static async Task<TaskView> SubmitGatedAsync(HttpClient http, string gate, int lines)
    {
        using var response = await http.PostAsync(
            new Uri("/api/tasks?wait=0s", UriKind.Relative),
            new StringContent($$"""{"topic":"test","subtype":"gated-log","payload":{"gate":"{{gate}}","lines":{{lines}}},"timeout":"60s"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView))!;
    }

    internal static async Task<TaskView> GetTaskAsync(HttpClient http, string id) =>
        (await http.GetFromJsonAsync(new Uri($"/api/tasks/{id}", UriKind.Relative), ContractsJsonContext.Default.TaskView))!;

    internal static async Task<ServerSentEventReader> OpenAsync(HttpClient http, string id, string? lastEventId, bool asQuery = false)
    {
        var path = asQuery && lastEventId is not null ? $"/api/tasks/{id}/events?lastEventId={lastEventId}" : $"/api/tasks/{id}/events";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (!asQuery && lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new ServerSentEventReader(await response.Content.ReadAsStreamAsync());
    }

    internal static async Task ExpectAsync(ServerSentEventReader events, string id, string kind, string what)
    {
        var next = await events.NextAsync($"{kind} '{what}' with id {id}");
        Assert.True(next is not null, $"the stream ended before {kind} '{what}' (id {id})");
        var (actualId, e) = next.Value;
        Assert.Equal((id, kind, what), (actualId, e.Kind, e.Kind == TaskEvent.LogKind ? e.Message : e.Status.ToString()));
        Assert.Equal(id, e.Position);
    }
}
