using Microsoft.Extensions.Options;
using Stackl.Contracts;
using Stackl.Tasks;
using Stackl.Tasks.Events;

namespace Stackl.Silo.Limits;

/// <summary>
/// Counts, per principal, the tasks submitted through this silo's API that are not final yet: a slot is reserved before the
/// submission and held by the task until this silo's <see cref="TaskEventHub"/> reports its final status.
/// </summary>
/// <remarks>
/// The hub drops events of a subscriber that falls behind, and a task can end before its submission returned, so an entry is
/// also released when a final event came first (kept for <see cref="s_finalMemory"/>), and dropped once its deadline and the
/// commit grace have passed (the task is final then, whatever event was lost).
/// </remarks>
internal sealed class TasksInFlight(TaskEventHub hub, IOptions<TaskOptions> taskOptions, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan s_finalMemory = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_sweepEvery = TimeSpan.FromSeconds(5);

    private readonly PrincipalCounters _counters = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _tracked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _finalFirst = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset At)> _finalFirstOrder = new();
    private DateTimeOffset _lastSweep;

    /// <summary>The tasks in flight of <paramref name="principal"/>, reserved slots included.</summary>
    public int Held(string principal) => _counters.Held(principal);

    /// <summary>Reserves a slot for a submission, unless <paramref name="principal"/> holds <paramref name="cap"/>.</summary>
    public bool TryReserve(string principal, int cap)
    {
        if (_counters.TryTake(principal, cap))
        {
            return true;
        }

        // At the cap: entries whose final event was lost would otherwise hold it forever.
        return SweepExpired() && _counters.TryTake(principal, cap);
    }

    /// <summary>Gives back a reserved slot of a submission that stored no task.</summary>
    public void Release(string principal) => _counters.Release(principal);

    /// <summary>Hands a reserved slot to the task the submission answered; released at once when it is final or already tracked.</summary>
    public void Track(string principal, TaskView task)
    {
        if (task.Status.IsFinal())
        {
            _counters.Release(principal);
            return;
        }

        lock (_lock)
        {
            // Already tracked: an idempotent resubmission answered the same task. Final first: it ended before the answer came back.
            if (_tracked.ContainsKey(task.Id) || _finalFirst.Remove(task.Id))
            {
                _counters.Release(principal);
                return;
            }

            _tracked[task.Id] = new Entry(principal, task.Deadline + taskOptions.Value.CommitGrace + s_sweepEvery);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = hub.Subscribe(capacity: 65_536);
        try
        {
            while (await subscription.Reader.WaitToReadAsync(stoppingToken))
            {
                while (subscription.Reader.TryRead(out var taskEvent))
                {
                    if (taskEvent.Kind == TaskEvent.StatusKind && taskEvent.Status.IsFinal())
                    {
                        Ended(taskEvent.TaskId);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private void Ended(string id)
    {
        lock (_lock)
        {
            if (_tracked.Remove(id, out var entry))
            {
                _counters.Release(entry.Principal);
                return;
            }

            // Not tracked (yet): another silo's task, one submitted without the API, or one whose submission has not returned.
            var now = time.GetUtcNow();
            _finalFirst[id] = now;
            _finalFirstOrder.Enqueue((id, now));
            while (_finalFirstOrder.TryPeek(out var oldest) && now - oldest.At > s_finalMemory)
            {
                _finalFirstOrder.Dequeue();
                if (_finalFirst.TryGetValue(oldest.Id, out var at) && at == oldest.At)
                {
                    _finalFirst.Remove(oldest.Id);
                }
            }
        }
    }

    /// <summary>Releases the entries past their deadline; true when any was, at most every few seconds.</summary>
    private bool SweepExpired()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (now - _lastSweep < s_sweepEvery)
            {
                return false;
            }

            _lastSweep = now;
            var expired = _tracked.Where(e => e.Value.Expires < now).Select(e => e.Key).ToList();
            foreach (var id in expired)
            {
                _counters.Release(_tracked[id].Principal);
                _tracked.Remove(id);
            }

            return expired.Count > 0;
        }
    }

    private readonly record struct Entry(string Principal, DateTimeOffset Expires);
}
