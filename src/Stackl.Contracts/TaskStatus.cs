namespace Stackl.Contracts;

/// <summary>Where a task is in its life. A final status never changes.</summary>
public enum TaskStatus
{
    /// <summary>Accepted and stored; not started yet.</summary>
    Pending,

    /// <summary>Taking locks or running its handler.</summary>
    Running,

    /// <summary>Final: every staged write is committed.</summary>
    Completed,

    /// <summary>Discarding staged writes and running revert actions.</summary>
    RollingBack,

    /// <summary>Final: the handler failed; nothing was committed.</summary>
    Failed,

    /// <summary>Final: the deadline passed; nothing was committed.</summary>
    TimedOut,

    /// <summary>Final: cancelled; nothing was committed.</summary>
    Cancelled,

    /// <summary>Final: a revert action failed; needs a person.</summary>
    RollbackFailed,
}
