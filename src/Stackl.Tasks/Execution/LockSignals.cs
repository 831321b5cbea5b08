using System.Collections.Concurrent;

namespace Stackl.Tasks.Execution;

/// <summary>Wakes a task's executor when a document hands it the lock, so waiting for a lock is not polling.</summary>
/// <remarks>A signal that arrives before the wait is kept; a wait also ends after a timeout so a lost signal only costs latency.</remarks>
internal sealed class LockSignals
{
    private readonly ConcurrentDictionary<(string TaskId, string Key), TaskCompletionSource> _signals = new();

    public void Signal(string taskId, string key) =>
        _signals.GetOrAdd((taskId, key), static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task WaitAsync(string taskId, string key, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var signal = _signals.GetOrAdd((taskId, key), static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await signal.Task.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Ask the document again.
        }
        finally
        {
            _signals.TryRemove(KeyValuePair.Create((taskId, key), signal));
        }
    }

    public void Forget(string taskId, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            _signals.TryRemove((taskId, key), out _);
        }
    }
}
