using Stackl.Runtime.Core;

namespace Stackl.Runtime;

/// <summary>The base class of grain implementations: a virtual actor that runs one turn at a time.</summary>
/// <remarks>
/// The runtime creates the grain on its first call, reads its persistent states, then calls <see cref="OnActivateAsync"/>.
/// Constructor parameters are services, or <see cref="IPersistentState{TState}"/> marked with <see cref="PersistentStateAttribute"/>.
/// Grain members other than those below must not be used from the constructor.
/// </remarks>
public abstract class Grain
{
    private ActivationData? _activation;

    internal ActivationData Activation => _activation ?? throw new InvalidOperationException("The grain is not attached to an activation yet; use OnActivateAsync rather than the constructor.");

    /// <summary>This grain's identity.</summary>
    protected GrainId GrainId => Activation.GrainId;

    /// <summary>This grain's key.</summary>
    protected string GrainKey => Activation.GrainId.Key;

    /// <summary>Gives references to other grains.</summary>
    protected IGrainFactory GrainFactory => Activation.Runtime;

    /// <summary>The silo's clock.</summary>
    protected TimeProvider TimeProvider => Activation.Runtime.TimeProvider;

    /// <summary>Called once after the persistent states were read and before the first call is delivered.</summary>
    /// <param name="cancellationToken">Cancelled when the silo stops.</param>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called as the last turn of a graceful deactivation; not called when the silo is killed.</summary>
    /// <param name="reason">Why the activation ends.</param>
    /// <param name="cancellationToken">Cancelled when the deactivation takes too long.</param>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>While true, the idle collector does not deactivate this activation (it has work in flight outside its turns, or in-memory waiters).</summary>
    /// <remarks>Explicit deactivation, silo shutdown and a kill still end it.</remarks>
    protected bool KeepAlive
    {
        get => Activation.KeepAlive;
        set => Activation.KeepAlive = value;
    }

    /// <summary>Deactivates this activation when the current turn ends.</summary>
    protected void DeactivateOnIdle() => Activation.RequestDeactivation(DeactivationReason.Requested);

    /// <summary>Registers an in-memory timer whose callback runs as a turn; it dies with the activation.</summary>
    /// <remarks>A tick is skipped while the previous one is still queued or running.</remarks>
    /// <param name="callback">The work of one tick; its token is cancelled when the activation ends.</param>
    /// <param name="dueTime">The delay before the first tick.</param>
    /// <param name="period">The period, or <see cref="Timeout.InfiniteTimeSpan"/> for a single tick.</param>
    /// <returns>Dispose it to stop the timer.</returns>
    protected IDisposable RegisterTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        Activation.RegisterTimer(callback, dueTime, period);

    /// <summary>Registers or replaces a durable reminder; it survives deactivation and silo crashes.</summary>
    /// <remarks>The grain must implement <see cref="IRemindable"/>. Delivery is at least once; a failing delivery is retried with backoff.</remarks>
    /// <param name="reminderName">The name, unique within this grain.</param>
    /// <param name="dueTime">The delay before the first tick (any length, sub-second included).</param>
    /// <param name="period">The period of a repeating reminder, or null for one tick.</param>
    protected Task RegisterOrUpdateReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan? period = null)
    {
        if (this is not IRemindable)
        {
            throw new InvalidOperationException($"Grain {GetType().Name} registers reminder '{reminderName}' but does not implement IRemindable.");
        }

        return Activation.Runtime.Reminders.RegisterAsync(GrainId, reminderName, dueTime, period);
    }

    /// <summary>Removes a durable reminder; removing a missing one does nothing.</summary>
    /// <param name="reminderName">The reminder's name.</param>
    protected Task UnregisterReminderAsync(string reminderName) => Activation.Runtime.Reminders.UnregisterAsync(GrainId, reminderName);

    /// <summary>Runs work outside the grain's turn, so the grain keeps answering calls while it runs.</summary>
    /// <remarks>
    /// The work runs on the thread pool with no call chain: it must not touch grain fields; it talks to the grain, this one included,
    /// through grain calls. Its token is cancelled when the silo stops or is killed.
    /// </remarks>
    /// <param name="work">The work.</param>
    /// <returns>The work's task.</returns>
    protected Task RunDetachedAsync(Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var runtime = Activation.Runtime;
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(() => work(runtime.StoppingToken), CancellationToken.None);
        }
    }

    internal void Attach(ActivationData activation) => _activation = activation;
}
