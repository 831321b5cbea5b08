using System.Text;
using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Events;

namespace Stackl.Silo.Api;

/// <summary>Writes a <c>text/event-stream</c> response: <c>id:</c> and <c>event: status|log</c> lines with a JSON <see cref="TaskEvent"/>, and a comment every 15 s to keep proxies from closing it.</summary>
internal sealed class ServerSentEvents(HttpContext context)
{
    private static readonly TimeSpan s_keepAlive = TimeSpan.FromSeconds(15);

    /// <summary>What <see cref="WaitAsync"/> found.</summary>
    public enum Wait
    {
        /// <summary>Events are ready to read.</summary>
        Events,

        /// <summary>Nothing arrived for a while; a keep-alive comment was written.</summary>
        Idle,

        /// <summary>The subscription ended, or the client went away.</summary>
        Ended,
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Waits for the subscription's next events; writes a keep-alive comment when none came for 15 s.</summary>
    public async Task<Wait> WaitAsync(TaskEventSubscription subscription, CancellationToken cancellationToken)
    {
        using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        keepAlive.CancelAfter(s_keepAlive);
        try
        {
            return await subscription.Reader.WaitToReadAsync(keepAlive.Token) ? Wait.Events : Wait.Ended;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await context.Response.WriteAsync(": keep-alive\n\n", cancellationToken);
            await context.Response.Body.FlushAsync(cancellationToken);
            return Wait.Idle;
        }
        catch (OperationCanceledException)
        {
            return Wait.Ended;
        }
    }

    /// <summary>Writes one event with its <c>id:</c> line.</summary>
    public async Task WriteAsync(TaskEvent taskEvent, string? id, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(taskEvent, ContractsJsonContext.Default.TaskEvent);
        var text = new StringBuilder();
        if (id is not null)
        {
            text.Append("id: ").Append(id).Append('\n');
        }

        text.Append("event: ").Append(taskEvent.Kind).Append("\ndata: ").Append(json).Append("\n\n");
        await context.Response.WriteAsync(text.ToString(), Encoding.UTF8, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
