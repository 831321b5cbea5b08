namespace Stackl.Tasks;

/// <summary>What the task-domain grains share on top of Orleans' <see cref="Grain"/>: their string key, the injected clock and keep-alive as a switch.</summary>
public abstract class StacklGrain : Grain
{
    private string? _key;

    /// <summary>This grain's key.</summary>
    protected string GrainKey => _key ??= this.GetPrimaryKeyString();

    /// <summary>While true, idle collection leaves this activation alone (it has work in flight outside its turns, or in-memory waiters).</summary>
    /// <remarks>Explicit deactivation, silo shutdown and a crash still end it.</remarks>
    protected bool KeepAlive
    {
        get;
        set
        {
            if (field != value)
            {
                field = value;
                DelayDeactivation(value ? Timeout.InfiniteTimeSpan : TimeSpan.Zero);
            }
        }
    }

    /// <summary>Writes a state; when the write fails, the activation leaves memory once the turn ends.</summary>
    /// <remarks>
    /// The grain changed its in-memory state before writing it. After a failed (or unanswered) write memory may be ahead of the
    /// database, so no later call may act on it: the next call or reminder tick reactivates the grain from what is stored.
    /// </remarks>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="state">The state.</param>
    protected async Task WriteOrForgetAsync<TState>(IPersistentState<TState> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            Forgotten = true;
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>True once a state write failed: memory may be ahead of the database, so this activation must not act on it any more.</summary>
    /// <remarks>Timer ticks can still run until the activation is gone; they check this and do nothing.</remarks>
    protected bool Forgotten { get; private set; }

    /// <summary>Runs work outside the grain's turn, so the grain keeps answering calls while it runs.</summary>
    /// <remarks>
    /// The work runs on the thread pool, outside the activation's scheduler: it must not touch grain fields, and it talks to grains
    /// (this one included) through grain calls, which Orleans routes like any other caller's.
    /// </remarks>
    /// <param name="work">The work.</param>
    /// <returns>The work's task.</returns>
    protected static Task RunDetachedAsync(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work, CancellationToken.None);
        }
    }
}
