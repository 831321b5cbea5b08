using Stackl.Contracts;

namespace Stackl.Grains.Abstractions;

/// <summary>One watch of one task's events; call it with a new <see cref="Guid"/> per watch.</summary>
/// <remarks>
/// A stream has to stay on the activation that enumerates it, so watches are not served by the stateless
/// <see cref="IStacklGatewayGrain"/>: each watch is its own grain, placed on the silo whose gateway received the call.
/// </remarks>
public interface ITaskWatchGrain : IGrainWithGuidKey
{
    /// <summary>The task's events: its stored log lines and status now, then every transition and log line until it is final.</summary>
    /// <remarks>
    /// The stream yields null when nothing happened for <paramref name="keepAlive"/>, so a quiet task never lets the caller's
    /// response timeout expire; skip those. An unknown task throws <see cref="StacklGatewayException"/> (404) before the first event.
    /// </remarks>
    /// <param name="id">The task id.</param>
    /// <param name="keepAlive">The longest silence before a null is yielded; keep it below the client's response timeout.</param>
    IAsyncEnumerable<TaskEvent?> WatchAsync(string id, TimeSpan keepAlive);
}
