using Stackl.Runtime.Core;
using Stackl.Runtime.Storage;

namespace Stackl.Runtime.Reminders;

/// <summary>Delivers durable reminders: reads the rows due soon, arms a precise timer for each, and delivers ticks as grain calls.</summary>
/// <remarks>
/// The row is only moved on (next period) or deleted (one shot) after a delivery succeeded, so a crash in between
/// delivers the tick again after recovery: at least once. A failed delivery is rescheduled with exponential backoff in the store.
/// </remarks>
internal sealed class ReminderService(SiloRuntime runtime, IReminderStore store)
{
    private const int PollBatchSize = 1000;

    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), (ReminderEntry Entry, ITimer Timer)> _armed = [];
    private readonly HashSet<(GrainId Grain, string Name, long Version)> _inFlight = [];
    private ITimer? _poller;
    private int _polling;
    private volatile bool _stopped;

    public IReminderStore Store => store;

    public int ArmedCount
    {
        get
        {
            lock (_lock)
            {
                return _armed.Count;
            }
        }
    }

    private TimeSpan Horizon => runtime.Options.ReminderPollInterval * 2;

    public void Start()
    {
        _stopped = false;
        _poller = runtime.TimeProvider.CreateTimer(static state => _ = ((ReminderService)state!).PollAsync(), this, TimeSpan.Zero, runtime.Options.ReminderPollInterval);
    }

    public Task StopAsync()
    {
        Kill();
        return Task.CompletedTask;
    }

    public void Kill()
    {
        _stopped = true;
        _poller?.Dispose();
        lock (_lock)
        {
            foreach (var (_, timer) in _armed.Values)
            {
                timer.Dispose();
            }

            _armed.Clear();
        }
    }

    public async Task RegisterAsync(GrainId grain, string name, TimeSpan dueTime, TimeSpan? period)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (dueTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dueTime), dueTime, $"Reminder '{name}' needs a due time of zero or more.");
        }

        if (period is { } p && p <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"Reminder '{name}' needs a positive period, or null for one shot.");
        }

        runtime.ThrowIfKilled();
        var dueAt = runtime.TimeProvider.GetUtcNow() + dueTime;
        var version = await store.UpsertAsync(grain, name, dueAt, period);
        runtime.ThrowIfKilled();
        var entry = new ReminderEntry(grain, name, dueAt, period, 0, version);
        if (dueAt <= runtime.TimeProvider.GetUtcNow() + Horizon)
        {
            Arm(entry);
        }
        else
        {
            Disarm(grain, name);
        }
    }

    public async Task UnregisterAsync(GrainId grain, string name)
    {
        runtime.ThrowIfKilled();
        Disarm(grain, name);
        await store.RemoveAsync(grain, name, expectedVersion: null);
    }

    private async Task PollAsync()
    {
        if (_stopped || Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return;
        }

        try
        {
            var due = await store.GetDueAsync(runtime.TimeProvider.GetUtcNow() + Horizon, PollBatchSize).ConfigureAwait(false);
            foreach (var entry in due)
            {
                Arm(entry);
            }
        }
        catch (Exception exception) when (!_stopped)
        {
            RuntimeLog.ReminderPollFailed(runtime.Logger, exception);
        }
        catch (Exception)
        {
            // Stopping: the store may already be gone.
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    private void Arm(ReminderEntry entry)
    {
        lock (_lock)
        {
            if (_stopped || _inFlight.Contains((entry.Grain, entry.Name, entry.Version)))
            {
                return;
            }

            if (_armed.TryGetValue((entry.Grain, entry.Name), out var armed))
            {
                if (armed.Entry.Version >= entry.Version)
                {
                    return;
                }

                armed.Timer.Dispose();
            }

            var delay = entry.DueAt - runtime.TimeProvider.GetUtcNow();
            if (delay < TimeSpan.Zero)
            {
                delay = TimeSpan.Zero;
            }

            // Arming often happens inside a grain's turn: the delivery must not inherit that turn's call chain.
            ITimer timer;
            using (ExecutionContext.SuppressFlow())
            {
                timer = runtime.TimeProvider.CreateTimer(static state => { var (service, e) = ((ReminderService, ReminderEntry))state!; _ = service.FireAsync(e); }, (this, entry), delay, Timeout.InfiniteTimeSpan);
            }

            _armed[(entry.Grain, entry.Name)] = (entry, timer);
        }
    }

    private void Disarm(GrainId grain, string name)
    {
        lock (_lock)
        {
            if (_armed.Remove((grain, name), out var armed))
            {
                armed.Timer.Dispose();
            }
        }
    }

    private async Task FireAsync(ReminderEntry entry)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            if (_armed.TryGetValue((entry.Grain, entry.Name), out var armed) && armed.Entry.Version == entry.Version)
            {
                armed.Timer.Dispose();
                _armed.Remove((entry.Grain, entry.Name));
            }

            if (!_inFlight.Add((entry.Grain, entry.Name, entry.Version)))
            {
                return;
            }
        }

        try
        {
            await DeliverAsync(entry).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _inFlight.Remove((entry.Grain, entry.Name, entry.Version));
            }
        }
    }

    private async Task DeliverAsync(ReminderEntry entry)
    {
        if (!runtime.Registry.TryGet(entry.Grain.Type, out var grainInterface) || runtime.Registry.GetReminderMethod(grainInterface) is not { } method)
        {
            RuntimeLog.ReminderForUnknownGrain(runtime.Logger, entry.Grain.Type, entry.Name);
            return;
        }

        var now = runtime.TimeProvider.GetUtcNow();
        runtime.Metrics.ReminderDelivering(now - entry.DueAt);
        try
        {
            var tick = new ReminderTick(entry.DueAt, now, entry.Attempt);
            await runtime.Invoke(entry.Grain, grainInterface, method, [entry.Name, tick]).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            if (_stopped)
            {
                return;
            }

            var attempt = entry.Attempt + 1;
            var delay = TimeSpan.FromTicks(Math.Min(runtime.Options.ReminderMaxRetryDelay.Ticks, runtime.Options.ReminderRetryDelay.Ticks * (1L << Math.Min(attempt - 1, 30))));
            var retryAt = runtime.TimeProvider.GetUtcNow() + delay;
            RuntimeLog.ReminderFailed(runtime.Logger, exception, entry.Grain, entry.Name, attempt, retryAt);
            await RescheduleAsync(entry, retryAt, attempt).ConfigureAwait(false);
            return;
        }

        if (_stopped)
        {
            // A killed silo must not move the row on: the tick is delivered again after recovery.
            return;
        }

        if (entry.Period is not { } period)
        {
            await store.RemoveAsync(entry.Grain, entry.Name, entry.Version).ConfigureAwait(false);
            return;
        }

        var next = entry.DueAt + period;
        var afterNow = runtime.TimeProvider.GetUtcNow();
        if (next <= afterNow)
        {
            // Missed ticks collapse into the one just delivered; the next is the first period boundary after now.
            var missed = (afterNow - entry.DueAt).Ticks / period.Ticks;
            next = entry.DueAt + TimeSpan.FromTicks(period.Ticks * (missed + 1));
        }

        await RescheduleAsync(entry, next, 0).ConfigureAwait(false);
    }

    private async Task RescheduleAsync(ReminderEntry entry, DateTimeOffset dueAt, int attempt)
    {
        try
        {
            var version = await store.RescheduleAsync(entry.Grain, entry.Name, entry.Version, dueAt, attempt).ConfigureAwait(false);
            if (version is { } v && !_stopped && dueAt <= runtime.TimeProvider.GetUtcNow() + Horizon)
            {
                Arm(entry with { DueAt = dueAt, Attempt = attempt, Version = v });
            }
        }
        catch (Exception exception) when (!_stopped)
        {
            // The row keeps its old due time, so the next poll delivers it again.
            RuntimeLog.ReminderPollFailed(runtime.Logger, exception);
        }
    }
}
