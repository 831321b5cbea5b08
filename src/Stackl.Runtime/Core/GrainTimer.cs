namespace Stackl.Runtime.Core;

/// <summary>An in-memory grain timer whose ticks run as turns of its activation.</summary>
internal sealed class GrainTimer : WorkItem, IDisposable
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly TimeSpan _dueTime;
    private readonly TimeSpan _period;
    private ITimer? _timer;
    private int _tickPending;
    private volatile bool _stopped;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        _activation = activation;
        _callback = callback;
        _dueTime = dueTime;
        _period = period;
    }

    public void Start()
    {
        using (ExecutionContext.SuppressFlow())
        {
            _timer = _activation.Runtime.TimeProvider.CreateTimer(static state => ((GrainTimer)state!).OnTick(), this, _dueTime, _period);
        }
    }

    public void Stop()
    {
        _stopped = true;
        _timer?.Dispose();
    }

    public void Dispose()
    {
        Stop();
        _activation.RemoveTimer(this);
    }

    public override Task Start(ActivationData activation) => _stopped ? Task.CompletedTask : activation.RunCallbackTurn(_callback);

    public override void Complete(Task turn)
    {
        if (turn.IsFaulted)
        {
            RuntimeLog.TimerFailed(_activation.Runtime.Logger, turn.Exception!.InnerException!, _activation.GrainId);
        }

        Volatile.Write(ref _tickPending, 0);
    }

    public override void Redispatch(SiloRuntime runtime, GrainId target) => Volatile.Write(ref _tickPending, 0);

    public override void Fail(Exception exception) => Volatile.Write(ref _tickPending, 0);

    private void OnTick()
    {
        if (_stopped || Interlocked.Exchange(ref _tickPending, 1) == 1)
        {
            return;
        }

        if (!_activation.TryEnqueue(this))
        {
            Volatile.Write(ref _tickPending, 0);
        }
    }
}
