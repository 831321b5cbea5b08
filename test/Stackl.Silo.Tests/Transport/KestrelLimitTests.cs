using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Stackl.Contracts;
using Stackl.Silo.Transport;
using Stackl.Testing;

namespace Stackl.Silo.Tests.Transport;

/// <summary>Kestrel's limits from <c>Stackl:Kestrel</c> on a silo listening on a real 127.0.0.1 port.</summary>
public sealed class KestrelLimitTests
{
    [Fact]
    public async Task StalledHeaders_PastTheHeadersTimeout_AreDisconnectedWhileOthersAreAnswered()
    {
        await using var silo = WebSilo.Start(realHttp: true, ("Stackl:Kestrel:RequestHeadersTimeout", "00:00:02"));
        using (var warm = await silo.Http.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // Half a header line, then nothing: the client holds the connection as a slowloris attack would.
        using var stalled = new TcpClient();
        await stalled.ConnectAsync(IPAddress.Loopback, silo.BaseAddress.Port);
        var clock = Stopwatch.StartNew();
        var stream = stalled.GetStream();
        await stream.WriteAsync("GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half-A-Hea"u8.ToArray());
        var closed = ReadUntilClosedAsync(stream);

        using (var other = await silo.Http.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        Assert.False(closed.IsCompleted, $"The stalled connection was closed after {clock.Elapsed.TotalSeconds:0.00} s, before the other client's request was answered.");

        var received = await closed.WaitAsync(TimeSpan.FromSeconds(15));
        var after = clock.Elapsed;
        Assert.True(
            after >= TimeSpan.FromSeconds(1.5) && after < TimeSpan.FromSeconds(6),
            $"The stalled connection should close about 2 s (RequestHeadersTimeout, checked each second) after it opened; it closed after {after.TotalSeconds:0.00} s having received: {received}");
        Assert.DoesNotContain("200 OK", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongPollAndQuietEventStream_LongerThanEveryTimeout_AreNotCut()
    {
        await using var silo = WebSilo.Start(
            realHttp: true,
            ("Stackl:Kestrel:RequestHeadersTimeout", "00:00:01"),
            ("Stackl:Kestrel:KeepAliveTimeout", "00:00:01"),
            ("Stackl:Kestrel:MinDataRateGracePeriod", "00:00:01.500"));

        // A long poll: the task sleeps 3 s, three times every timeout, and the answer is the final task.
        var clock = Stopwatch.StartNew();
        using var poll = await silo.Http.PostAsync(new Uri("/api/tasks?wait=20s", UriKind.Relative), Json("""{"topic":"demo","subtype":"sleep","payload":{"ms":3000}}"""));
        var polled = JsonSerializer.Deserialize(await poll.Content.ReadAsStringAsync(), ContractsJsonContext.Default.TaskView)!;
        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        Assert.Equal(TaskStatus.Completed, polled.Status);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(3), $"The long poll answered after {clock.Elapsed.TotalSeconds:0.00} s, before the task's 3 s sleep ended.");

        // A quiet event stream: nothing is written between Running and the final status 3 s later.
        using var submit = await silo.Http.PostAsync(new Uri("/api/tasks?wait=0s", UriKind.Relative), Json("""{"topic":"demo","subtype":"sleep","payload":{"ms":3000}}"""));
        var task = JsonSerializer.Deserialize(await submit.Content.ReadAsStringAsync(), ContractsJsonContext.Default.TaskView)!;
        using var events = await silo.Http.GetAsync(new Uri($"/api/tasks/{task.Id}/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new ServerSentEventReader(await events.Content.ReadAsStreamAsync());
        TaskEvent? last = null;
        while (await reader.NextAsync($"the events of task {task.Id} until its final status", TimeSpan.FromSeconds(20)) is { } next)
        {
            last = next.Event;
        }

        Assert.True(last is { Kind: TaskEvent.StatusKind, Status: TaskStatus.Completed }, $"The stream of task {task.Id} ended before its final status; its last event: {last}");
    }

    [Fact]
    public async Task Headers_LargerThanTheLimit_Get431()
    {
        await using var silo = WebSilo.Start(realHttp: true, ("Stackl:Kestrel:MaxRequestHeadersTotalSize", "4096"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/health/ready", UriKind.Relative));
        request.Headers.Add("X-Large", new string('a', 8000));

        using var response = await silo.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public void Validate_NonPositiveHeadersTimeout_NamesTheSetting()
    {
        var options = new KestrelLimitOptions { RequestHeadersTimeout = TimeSpan.Zero };

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("Stackl:Kestrel:RequestHeadersTimeout", refused.Message, StringComparison.Ordinal);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Reads until the server closes the connection (or resets it); returns what it sent.</summary>
    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer) is var read and > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // A reset is a close too.
        }

        return received.ToString();
    }
}
