using System.Text;
using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Events;

namespace Stackl.Silo.Api;

/// <summary>Writes a <c>text/event-stream</c> response: <c>event: status|log</c> lines with a JSON <see cref="TaskEvent"/>, and a comment every 15 s to keep proxies from closing it.</summary>
internal sealed class ServerSentEvents(HttpContext context)
{
    private static readonly TimeSpan s_keepAlive = TimeSpan.FromSeconds(15);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Writes the task as it is: the log lines it stored so far, then its status.</summary>
    public async Task WriteTaskAsync(TaskView task, CancellationToken cancellationToken)
    {
        foreach (var line in task.Logs)
        {
            await WriteAsync(new TaskEvent(task.Id, TaskEvent.LogKind, task.Status, task.Topic, task.Subtype, line.At, line.Message), cancellationToken);
        }

        var duration = task.Completed is { } completed ? (completed - task.Created).TotalMilliseconds : (double?)null;
        await WriteAsync(new TaskEvent(task.Id, TaskEvent.StatusKind, task.Status, task.Topic, task.Subtype, task.Completed ?? task.Started ?? task.Created, task.Error?.Message, duration), cancellationToken);
    }

    /// <summary>Relays the subscription's events that pass <paramref name="include"/> until <paramref name="last"/> holds for one, or the client leaves.</summary>
    public async Task RelayAsync(TaskEventSubscription subscription, Func<TaskEvent, bool> include, Func<TaskEvent, bool> last, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                keepAlive.CancelAfter(s_keepAlive);
                bool more;
                try
                {
                    more = await subscription.Reader.WaitToReadAsync(keepAlive.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await context.Response.Body.FlushAsync(cancellationToken);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                while (subscription.Reader.TryRead(out var taskEvent))
                {
                    if (!include(taskEvent))
                    {
                        continue;
                    }

                    await WriteAsync(taskEvent, cancellationToken);
                    if (last(taskEvent))
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private async Task WriteAsync(TaskEvent taskEvent, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(taskEvent, ContractsJsonContext.Default.TaskEvent);
        var text = new StringBuilder().Append("event: ").Append(taskEvent.Kind).Append("\ndata: ").Append(json).Append("\n\n").ToString();
        await context.Response.WriteAsync(text, Encoding.UTF8, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
