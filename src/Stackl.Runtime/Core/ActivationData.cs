using Microsoft.Extensions.Logging;

namespace Stackl.Runtime.Core;

/// <summary>One activation of a grain: its instance, its mailbox and its turn loop.</summary>
/// <remarks>
/// Turns run one at a time in arrival order. When the activation is idle a call runs inline on the caller's thread
/// (no hop); calls that arrive while a turn runs are queued and drained from the thread pool.
/// </remarks>
internal sealed class ActivationData : IThreadPoolWorkItem
{
    private const int DrainBudget = 64;

    private static readonly Action<Task, object?> s_afterInlineTurn = static (_, state) => ((ActivationData)state!).TurnFinished();
    private static readonly Action<Task, object?> s_afterQueuedTurn = static (turn, state) => ((ActivationData)state!).QueuedTurnFinished(turn);
    private static readonly Action<Task, object?> s_afterInterleavedTurn = static (_, state) => Interlocked.Decrement(ref ((ActivationData)state!)._interleavedRunning);

    private readonly Lock _lock = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly TaskCompletionSource _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _deactivated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<GrainTimer> _timers = [];

    // The activation's own OnActivateAsync is its first turn, so calls queue until it ends.
    private bool _running = true;
    private ActivationStatus _status = ActivationStatus.Activating;
    private DeactivationReason? _deactivationRequest;
    private WorkItem? _currentQueuedItem;
    private WorkItem? _nextToStart;
    private long _lastTurnEnded;
    private int _interleavedRunning;

    public ActivationData(SiloRuntime runtime, GrainInterfaceInfo grainInterface, GrainId grainId)
    {
        Runtime = runtime;
        Interface = grainInterface;
        GrainId = grainId;
        _lastTurnEnded = runtime.TimeProvider.GetTimestamp();
    }

    public SiloRuntime Runtime { get; }

    public GrainInterfaceInfo Interface { get; }

    public GrainId GrainId { get; }

    public Grain? Grain { get; private set; }

    public CancellationToken Lifetime => _lifetime.Token;

    public Task Deactivated => _deactivated.Task;

    /// <summary>When true the idle collector leaves the activation alone (the grain has work in flight outside its turns).</summary>
    public bool KeepAlive { get; set; }

    public bool IsInvalid
    {
        get
        {
            lock (_lock)
            {
                return _status == ActivationStatus.Invalid;
            }
        }
    }

    public void Start() => _ = ActivateAsync();

    /// <summary>Runs or queues a non-interleaving call; false when this activation has ended and the caller must find the next one.</summary>
    public bool TryInvoke(GrainMethod method, object?[]? arguments, CallChain? chain, bool applyTimeout, out Task result)
    {
        if (method.AlwaysInterleave)
        {
            return TryInvokeInterleaved(method, arguments, chain, applyTimeout, out result);
        }

        if (chain is not null && chain.Contains(this))
        {
            result = method.FromException(new CallCycleException(
                $"Call cycle {chain.DescribeCycle(this)}: {GrainId} is waiting in a turn and cannot take {method.Name}; mark read-only methods [AlwaysInterleave] or break the cycle."));
            return true;
        }

        lock (_lock)
        {
            if (_status == ActivationStatus.Invalid)
            {
                result = null!;
                return false;
            }

            if (_running)
            {
                var item = method.CreateCallItem(arguments, chain);
                _queue.Enqueue(item);
                result = applyTimeout ? method.WithTimeout(item.Task, Runtime.Options.CallTimeout, Runtime.TimeProvider, GrainId) : item.Task;
                return true;
            }

            _running = true;
        }

        var turn = RunTurn(method, arguments, chain);
        if (turn.IsCompleted)
        {
            TurnFinished();
            result = turn;
            return true;
        }

        turn.ContinueWith(s_afterInlineTurn, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        result = applyTimeout ? method.WithTimeout(turn, Runtime.Options.CallTimeout, Runtime.TimeProvider, GrainId) : turn;
        return true;
    }

    /// <summary>Runs one turn with the call chain extended by this activation; never throws.</summary>
    public Task RunTurn(GrainMethod method, object?[]? arguments, CallChain? chain)
    {
        var previous = CallChain.Current;
        CallChain.Current = new CallChain(this, chain);
        try
        {
            return method.InvokeOnGrain(Grain!, arguments);
        }
        catch (Exception exception)
        {
            return method.FromException(exception);
        }
        finally
        {
            CallChain.Current = previous;
        }
    }

    /// <summary>Runs a timer or other runtime callback as a turn; never throws.</summary>
    public Task RunCallbackTurn(Func<CancellationToken, Task> callback)
    {
        var previous = CallChain.Current;
        CallChain.Current = new CallChain(this, null);
        try
        {
            return callback(_lifetime.Token);
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
        finally
        {
            CallChain.Current = previous;
        }
    }

    /// <summary>Queues a work item behind the calls already waiting; false when the activation has ended.</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (_lock)
        {
            if (_status is ActivationStatus.Invalid or ActivationStatus.Deactivating)
            {
                return false;
            }

            if (_running)
            {
                _queue.Enqueue(item);
                return true;
            }

            _running = true;
        }

        _nextToStart = item;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    /// <summary>Deactivates the activation once the current turn ends.</summary>
    public void RequestDeactivation(DeactivationReason reason)
    {
        lock (_lock)
        {
            if (_status != ActivationStatus.Valid)
            {
                return;
            }

            _deactivationRequest ??= reason;
            if (_running)
            {
                return;
            }

            _running = true;
            _status = ActivationStatus.Deactivating;
        }

        _nextToStart = new DeactivationWorkItem(reason);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Queues a deactivation behind the calls already waiting (graceful shutdown drains them first).</summary>
    public void EnqueueDeactivation(DeactivationReason reason)
    {
        if (!TryEnqueue(new DeactivationWorkItem(reason)))
        {
            return;
        }
    }

    /// <summary>Starts deactivation if no turn has run for <paramref name="age"/>.</summary>
    public void DeactivateIfIdle(TimeSpan age)
    {
        lock (_lock)
        {
            if (KeepAlive || _status != ActivationStatus.Valid || _running || _queue.Count > 0 || Volatile.Read(ref _interleavedRunning) > 0 ||
                Runtime.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastTurnEnded)) < age)
            {
                return;
            }

            _running = true;
            _status = ActivationStatus.Deactivating;
        }

        _nextToStart = new DeactivationWorkItem(DeactivationReason.Idle);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Abandons the activation without running any more grain code (silo kill).</summary>
    public void Abandon(Exception reason)
    {
        List<WorkItem> abandoned;
        lock (_lock)
        {
            _status = ActivationStatus.Invalid;
            abandoned = [.. _queue];
            _queue.Clear();
        }

        StopTimers();
        _lifetime.Cancel();
        _activated.TrySetException(reason);
        _deactivated.TrySetResult();
        foreach (var item in abandoned)
        {
            item.Fail(reason);
        }
    }

    public IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new GrainTimer(this, callback, dueTime, period);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Start();
        return timer;
    }

    internal void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        var item = _nextToStart!;
        _nextToStart = null;
        Drain(item);
    }

    internal async Task DeactivateAsync(DeactivationReason reason)
    {
        StopTimers();
        if (Grain is not null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(Runtime.Options.ShutdownTimeout, Runtime.TimeProvider);
                await RunCallbackTurn(token => Grain.OnDeactivateAsync(reason, timeout.Token)).WaitAsync(Runtime.Options.ShutdownTimeout, Runtime.TimeProvider);
            }
            catch (Exception exception)
            {
                RuntimeLog.DeactivationFailed(Runtime.Logger, exception, GrainId);
            }
        }

        List<WorkItem> rest;
        lock (_lock)
        {
            _status = ActivationStatus.Invalid;
            rest = [.. _queue];
            _queue.Clear();
        }

        Runtime.Catalog.Remove(this);
        await _lifetime.CancelAsync();
        _deactivated.TrySetResult();
        foreach (var item in rest)
        {
            item.Redispatch(Runtime, GrainId);
        }
    }

    private async Task ActivateAsync()
    {
        try
        {
            CallChain.Current = new CallChain(this, null);
            var states = new List<IActivationState>();
            var grain = Runtime.Registry.GetFactory(Interface.ImplementationType).Create(this, states);
            grain.Attach(this);
            Grain = grain;
            await Runtime.Directory.RegisterAsync(GrainId, Runtime.SiloName);
            foreach (var state in states)
            {
                await state.ReadStateAsync(Runtime.StoppingToken);
            }

            await grain.OnActivateAsync(Runtime.StoppingToken);
            lock (_lock)
            {
                if (_status == ActivationStatus.Invalid)
                {
                    return;
                }

                _status = ActivationStatus.Valid;
            }

            _activated.TrySetResult();
        }
        catch (Exception exception)
        {
            RuntimeLog.ActivationFailed(Runtime.Logger, exception, GrainId);
            List<WorkItem> failed;
            lock (_lock)
            {
                _status = ActivationStatus.Invalid;
                failed = [.. _queue];
                _queue.Clear();
            }

            Runtime.Catalog.Remove(this);
            await Runtime.Directory.UnregisterAsync(GrainId, Runtime.SiloName);
            _activated.TrySetException(exception);
            _deactivated.TrySetResult();
            foreach (var item in failed)
            {
                item.Fail(exception);
            }

            return;
        }

        TurnFinished();
    }

    private bool TryInvokeInterleaved(GrainMethod method, object?[]? arguments, CallChain? chain, bool applyTimeout, out Task result)
    {
        ActivationStatus status;
        lock (_lock)
        {
            status = _status;
            if (status == ActivationStatus.Invalid)
            {
                result = null!;
                return false;
            }

            Interlocked.Increment(ref _interleavedRunning);
        }

        var turn = status == ActivationStatus.Activating ? RunInterleavedAfterActivation(method, arguments, chain) : RunTurn(method, arguments, chain);
        if (turn.IsCompleted)
        {
            Interlocked.Decrement(ref _interleavedRunning);
            result = turn;
            return true;
        }

        turn.ContinueWith(s_afterInterleavedTurn, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        result = applyTimeout ? method.WithTimeout(turn, Runtime.Options.CallTimeout, Runtime.TimeProvider, GrainId) : turn;
        return true;
    }

    private Task RunInterleavedAfterActivation(GrainMethod method, object?[]? arguments, CallChain? chain) =>
        method.RunAfter(_activated.Task, () => RunTurn(method, arguments, chain));

    private void TurnFinished()
    {
        Volatile.Write(ref _lastTurnEnded, Runtime.TimeProvider.GetTimestamp());
        if (TryTakeNext(out var next))
        {
            _nextToStart = next;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
        }
    }

    private void QueuedTurnFinished(Task turn)
    {
        var item = _currentQueuedItem!;
        _currentQueuedItem = null;
        item.Complete(turn);
        TurnFinished();
    }

    private void Drain(WorkItem item)
    {
        for (var budget = DrainBudget; ; budget--)
        {
            var turn = item.Start(this);
            if (!turn.IsCompleted)
            {
                _currentQueuedItem = item;
                turn.ContinueWith(s_afterQueuedTurn, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return;
            }

            item.Complete(turn);
            Volatile.Write(ref _lastTurnEnded, Runtime.TimeProvider.GetTimestamp());
            if (!TryTakeNext(out var next))
            {
                return;
            }

            if (budget == 0)
            {
                // Let other activations have the thread; this one continues from the queue.
                _nextToStart = next;
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }

            item = next;
        }
    }

    /// <summary>Takes the next item to run, or marks the activation idle; a pending deactivation goes first.</summary>
    private bool TryTakeNext(out WorkItem next)
    {
        lock (_lock)
        {
            if (_status is ActivationStatus.Invalid)
            {
                next = null!;
                return false;
            }

            if (_deactivationRequest is { } reason && _status == ActivationStatus.Valid)
            {
                _status = ActivationStatus.Deactivating;
                next = new DeactivationWorkItem(reason);
                return true;
            }

            if (_queue.TryDequeue(out next!))
            {
                if (next is DeactivationWorkItem)
                {
                    _status = ActivationStatus.Deactivating;
                }

                return true;
            }

            _running = false;
            return false;
        }
    }

    private void StopTimers()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (var timer in timers)
        {
            timer.Stop();
        }
    }

    private enum ActivationStatus
    {
        Activating,
        Valid,
        Deactivating,
        Invalid,
    }
}
