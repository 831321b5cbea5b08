using System.Runtime.CompilerServices;
using System.Text.Json;
using Stackl.Contracts;
using Stackl.Grains.Abstractions;

namespace Stackl.Client.Orleans;

public sealed partial class StacklClusterClient
{
    private static readonly JsonElement s_emptyObject = EmptyObject();

    /// <inheritdoc />
    public async Task<TaskView> SubmitAsync(TaskSpec spec, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var started = Time.GetTimestamp();
        var budget = wait ?? _options.DefaultWait;
        var sent = spec.Payload.ValueKind == JsonValueKind.Undefined ? spec with { Payload = s_emptyObject } : spec;
        var task = await CallAsync(g => g.SubmitAsync(sent, CallWait(budget)), nameof(SubmitAsync), cancellationToken).ConfigureAwait(false);
        return await PollAsync(task.Id, task, Remaining(budget, started), throwOnTimeout: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<TaskView> GetAsync(string id, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return PollAsync(id, current: null, wait ?? TimeSpan.Zero, throwOnTimeout: false, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskView> WaitAsync(string id, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return PollAsync(id, current: null, timeout, throwOnTimeout: true, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<TaskView> CancelAsync(string id, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var started = Time.GetTimestamp();
        var budget = wait ?? TimeSpan.Zero;
        var task = await CallAsync(g => g.CancelAsync(id, CallWait(budget)), nameof(CancelAsync), cancellationToken).ConfigureAwait(false);
        return await PollAsync(task.Id, task, Remaining(budget, started), throwOnTimeout: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<Page<TaskView>> ListTasksAsync(TaskStatus? status = null, string? topic = null, string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        CallAsync(g => g.ListTasksAsync(status, topic, after, limit), nameof(ListTasksAsync), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The watch is a grain on the silo whose gateway received it; when that silo dies the stream throws
    /// <see cref="StacklConnectionException"/>: call <see cref="WaitAsync"/> (which moves to another gateway) to learn how the task ended.
    /// </remarks>
    public async IAsyncEnumerable<TaskEvent> WatchAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var watch = _cluster.GetGrain<ITaskWatchGrain>(Guid.NewGuid());

        // The grain yields null after half a response timeout of silence, so a quiet task never times the call out.
        var events = watch.WatchAsync(id, _options.ResponseTimeout / 2).GetAsyncEnumerator(cancellationToken);
        await using var scope = events.ConfigureAwait(false);
        while (true)
        {
            // A yield cannot sit in a try with a catch, so each step is read inside one and yielded outside it.
            TaskEvent? next;
            try
            {
                PresentCredentials();
                if (!await events.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                next = events.Current;
            }
            catch (Exception exception) when (Translate(exception, nameof(WatchAsync), cancellationToken) is { } failure)
            {
                throw failure;
            }

            if (next is null)
            {
                continue;
            }

            yield return next;
            if (next.Kind == TaskEvent.StatusKind && next.Status.IsFinal())
            {
                break;
            }
        }
    }

    /// <summary>
    /// Reads the task until it is final or <paramref name="wait"/> has passed (null: no limit), each read a bounded wait on a silo;
    /// a read that no gateway answered, or that a silo asked to retry, is tried again while the wait lasts.
    /// </summary>
    /// <param name="id">The task id.</param>
    /// <param name="current">The task as already read, or null to read it at least once.</param>
    /// <param name="wait">The time left to wait.</param>
    /// <param name="throwOnTimeout">Throw <see cref="StacklWaitTimeoutException"/> instead of answering a task that is not final.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    private async Task<TaskView> PollAsync(string id, TaskView? current, TimeSpan? wait, bool throwOnTimeout, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        long? failingSince = null;
        while (current is null || !current.Status.IsFinal())
        {
            var remaining = wait is { } limit ? limit - Time.GetElapsedTime(started) : _options.MaxCallWait;
            if (current is not null && remaining <= TimeSpan.Zero)
            {
                return throwOnTimeout ? throw new StacklWaitTimeoutException(current, wait ?? TimeSpan.Zero) : current;
            }

            try
            {
                current = await CallAsync(g => g.GetAsync(id, CallWait(remaining)), nameof(WaitAsync), cancellationToken).ConfigureAwait(false);
                failingSince = null;
            }
            catch (StacklException failure) when (IsTransient(failure) && CanRetry(ref failingSince, started, wait))
            {
                // The call's gateway died or the silo asked to be retried: pause, then ask again (through another gateway if needed).
                await Task.Delay(s_retryPause, Time, cancellationToken).ConfigureAwait(false);
            }
        }

        return current;
    }

    /// <summary>True while a failing wait may try again: its time is not up, and gateways have not failed for <see cref="StacklClusterClientOptions.ReconnectTimeout"/>.</summary>
    private bool CanRetry(ref long? failingSince, long started, TimeSpan? wait)
    {
        failingSince ??= Time.GetTimestamp();
        var waitLeft = wait is not { } limit || Time.GetElapsedTime(started) + s_retryPause < limit;
        return waitLeft && Time.GetElapsedTime(failingSince.Value) < _options.ReconnectTimeout;
    }
}
