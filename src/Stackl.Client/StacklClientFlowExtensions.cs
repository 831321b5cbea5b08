using Stackl.Contracts;

namespace Stackl.Client;

/// <summary>Runs flows built with <see cref="Flow"/> through any <see cref="IStacklClient"/>.</summary>
public static class StacklClientFlowExtensions
{
    /// <summary>Submits a <c>flow/run</c> task running <paramref name="flow"/> and waits for it as <see cref="IStacklClient.SubmitAsync"/> does.</summary>
    /// <remarks>The returned task carries the flow's <see cref="TaskView.Steps"/>; a flow that failed is returned, not thrown.</remarks>
    /// <param name="client">The client.</param>
    /// <param name="flow">The flow; its root is the payload.</param>
    /// <param name="timeout">The time budget of the whole flow; the server's default when null.</param>
    /// <param name="idempotencyKey">A repeated submit with the same key returns the first flow.</param>
    /// <param name="wait">How long to wait for the flow to end; the client's default when null, <see cref="TimeSpan.Zero"/> to return once it is accepted.</param>
    /// <param name="cancellationToken">Cancels the wait, not the flow.</param>
    public static Task<TaskView> RunFlowAsync(this IStacklClient client, Flow flow, TimeSpan? timeout = null, string? idempotencyKey = null, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(flow);
        return client.SubmitAsync(flow.ToTaskSpec(timeout, idempotencyKey), wait, cancellationToken);
    }
}
