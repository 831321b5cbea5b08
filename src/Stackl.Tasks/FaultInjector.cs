namespace Stackl.Tasks;

/// <summary>Points in a task's walk where tests can inject a fault (usually killing the silo).</summary>
public enum FaultPoint
{
    /// <summary>Every lock is held; nothing is staged.</summary>
    AfterLock,

    /// <summary>Every staged value is durable in its document; no decision yet.</summary>
    AfterStaging,

    /// <summary>The decision record is written; no document committed yet.</summary>
    AfterDecision,

    /// <summary>The first document committed; the others not yet.</summary>
    BetweenCommits,

    /// <summary>Documents released; revert actions not yet run.</summary>
    DuringRevert,

    /// <summary>The task grain wrote the decision record, but its answer to the executor is lost.</summary>
    DecisionAnswerLost,

    /// <summary>The document committed a one-phase commit, but its answer to the executor is lost.</summary>
    OnePhaseAnswerLost,

    /// <summary>A flow: a step's completion is stored; the next step has not started.</summary>
    BetweenSteps,

    /// <summary>A flow: a step's handler returned; its completion is not stored (the step runs again on resume).</summary>
    DuringStep,

    /// <summary>A flow step waits for its next attempt; the failed attempt is stored.</summary>
    BeforeRetry,

    /// <summary>One revert action ran and is stored; older ones have not run yet.</summary>
    BetweenReverts,

    /// <summary>A finishing task matched a chain rule; its follow-up is not started yet.</summary>
    BeforeChains,

    /// <summary>A task's chain rules started their follow-ups; its final status is not stored yet.</summary>
    AfterChains,

    /// <summary>A flow's subflow reverted its completed steps to run again; that it runs again is not stored yet.</summary>
    BeforeSubflowRetry,
}

/// <summary>Runs an armed action when a task reaches a fault point; production silos never arm one.</summary>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly Dictionary<FaultPoint, Action<string>> _armed = [];

    /// <summary>Arms <paramref name="action"/> (given the task id) for the next task that reaches <paramref name="point"/>; it fires once.</summary>
    /// <param name="point">The fault point.</param>
    /// <param name="action">What to do, e.g. kill the silo.</param>
    public void Arm(FaultPoint point, Action<string> action)
    {
        lock (_lock)
        {
            _armed[point] = action;
        }
    }

    /// <summary>Called by the task executor at each point; runs and disarms the armed action, then stops the executor.</summary>
    /// <param name="point">The point reached.</param>
    /// <param name="taskId">The task.</param>
    public void Hit(FaultPoint point, string taskId)
    {
        Action<string>? action;
        lock (_lock)
        {
            if (!_armed.Remove(point, out action))
            {
                return;
            }
        }

        action(taskId);
        throw new InjectedFaultException($"Fault injected at {point} in task {taskId}.");
    }
}

/// <summary>Stops a task's executor at a fault point, as a crash would.</summary>
public sealed class InjectedFaultException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InjectedFaultException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The point and task.</param>
    public InjectedFaultException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InjectedFaultException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
