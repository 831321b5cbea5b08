using System.Runtime.CompilerServices;
using Orleans.Placement;
using Stackl.Contracts;
using Stackl.Grains.Abstractions;
using Stackl.Tasks.Events;
using Stackl.Tasks.Security;

namespace Stackl.Tasks.Gateway;

/// <summary>One cluster client's watch of one task: the task as stored, then its events from this silo's <see cref="TaskEventHub"/>.</summary>
/// <remarks>
/// Placed on the silo whose gateway received the call; the hub there sees every silo's events where a relay forwards them
/// (PostgreSQL mode). The activation leaves memory when its watch ends.
/// </remarks>
[GrainType("task-watch")]
[PreferLocalPlacement]
internal sealed class TaskWatchGrain(TaskService service, TaskEventHub hub, TimeProvider timeProvider, ApiKeyService keys, AuthPolicy policy) : Grain, ITaskWatchGrain
{
    private static readonly TimeSpan s_shortestKeepAlive = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan s_longestKeepAlive = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public IAsyncEnumerable<TaskEvent?> WatchAsync(string id, TimeSpan keepAlive) =>
        WatchCoreAsync(id, keepAlive < s_shortestKeepAlive ? s_shortestKeepAlive : keepAlive > s_longestKeepAlive ? s_longestKeepAlive : keepAlive, default);

    private async IAsyncEnumerable<TaskEvent?> WatchCoreAsync(string id, TimeSpan keepAlive, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            // Subscribe before reading the task, so no transition falls between the two (as the HTTP API's stream does).
            using var subscription = hub.Subscribe();
            var task = await ReadAsync(id);

            // The task as it is: the log lines it stored so far, then its status.
            foreach (var line in task.Logs)
            {
                yield return new TaskEvent(task.Id, TaskEvent.LogKind, task.Status, task.Topic, task.Subtype, line.At, line.Message);
            }

            var duration = task.Completed is { } completed ? (completed - task.Created).TotalMilliseconds : (double?)null;
            yield return new TaskEvent(task.Id, TaskEvent.StatusKind, task.Status, task.Topic, task.Subtype, task.Completed ?? task.Started ?? task.Created, task.Error?.Message, duration);
            if (task.Status.IsFinal())
            {
                yield break;
            }

            while (true)
            {
                bool more;
                using (var silence = new CancellationTokenSource(keepAlive, timeProvider))
                using (var either = CancellationTokenSource.CreateLinkedTokenSource(silence.Token, cancellationToken))
                {
                    try
                    {
                        more = await subscription.Reader.WaitToReadAsync(either.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        more = true;
                    }
                }

                if (!more)
                {
                    yield break;
                }

                var relayed = false;
                while (subscription.Reader.TryRead(out var taskEvent))
                {
                    if (taskEvent.TaskId != id)
                    {
                        continue;
                    }

                    relayed = true;
                    yield return taskEvent;
                    if (taskEvent.Kind == TaskEvent.StatusKind && taskEvent.Status.IsFinal())
                    {
                        yield break;
                    }
                }

                if (!relayed)
                {
                    // Nothing of this task for a while: a null tells the caller the watch is alive.
                    yield return null;
                }
            }
        }
        finally
        {
            DeactivateOnIdle();
        }
    }

    private async Task<TaskView> ReadAsync(string id)
    {
        try
        {
            var caller = await GatewayCallers.AuthenticateAsync(keys, policy);
            var task = await service.GetAsync(id) ?? throw GatewayErrors.UnknownTask(id);
            caller.DemandSee(task);
            return task;
        }
        catch (Exception exception) when (exception is not StacklGatewayException)
        {
            throw GatewayErrors.Translate(exception, out _);
        }
    }
}
