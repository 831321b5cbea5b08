using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Stackl.Tasks.Execution;

/// <summary>
/// A graceful stop of the silo (SIGTERM, a rolling update): from the stop request on the silo takes no new tasks and reports
/// itself not ready; the tasks already running here may finish for up to <see cref="TaskOptions.DrainTimeout"/> before Orleans
/// stops. What is still running then is handed over: its executor ends, and its recovery reminder brings it back on another
/// silo (or on this one's next start), where it finishes its commit or rolls back.
/// </summary>
public sealed class TaskDrain : IHostedLifecycleService
{
    private readonly IHostApplicationLifetime _lifetime;
    private readonly IOptions<TaskOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _handOver = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _idle = NewIdle(completed: true);
    private int _running;
    private bool _draining;

    /// <summary>Creates the drain of this silo.</summary>
    public TaskDrain(IHostApplicationLifetime lifetime, IOptions<TaskOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _lifetime = lifetime;
        _options = options;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("Stackl.Tasks");

        // A stop that never reaches the drain's stage (a failed start, a killed host) still ends the executors.
        lifetime.ApplicationStopped.Register(_handOver.Cancel);
    }

    /// <summary>True once the silo was asked to stop: it takes no new tasks.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) || _lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>How many tasks this silo is driving now (running handlers, commits, rollbacks, recoveries).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Cancelled when the drain ends: executors still running stop, and their tasks are recovered elsewhere.</summary>
    internal CancellationToken HandOver => _handOver.Token;

    /// <summary>
    /// Drains. The host calls this before it stops any service, so the HTTP API still answers waiters and Orleans' grains,
    /// storage and membership still work while the running tasks finish.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the host's shutdown timeout ends (or at once, for a kill).</param>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _draining, true);
        return DrainAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => _handOver.CancelAsync();

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Counts a task this silo drives until the returned handle is disposed.</summary>
    internal IDisposable Track()
    {
        lock (_lock)
        {
            if (_running++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }

        return new Tracked(this);
    }

    private void Untrack()
    {
        lock (_lock)
        {
            if (--_running == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var timeout = _options.Value.DrainTimeout;
        Task idle;
        lock (_lock)
        {
            idle = _idle.Task;
        }

        if (!idle.IsCompleted && timeout > TimeSpan.Zero && !cancellationToken.IsCancellationRequested)
        {
            TasksLog.Draining(_logger, Running, timeout.TotalSeconds);
            try
            {
                await idle.WaitAsync(timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
            {
                TasksLog.HandingOver(_logger, Running);
            }
        }

        await _handOver.CancelAsync().ConfigureAwait(false);
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            idle.SetResult();
        }

        return idle;
    }

    private sealed class Tracked(TaskDrain drain) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                drain.Untrack();
            }
        }
    }
}
