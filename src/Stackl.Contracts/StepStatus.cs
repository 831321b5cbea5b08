namespace Stackl.Contracts;

/// <summary>Where one step of a flow stands.</summary>
public enum StepStatus
{
    /// <summary>Waiting for the steps before it.</summary>
    Pending,

    /// <summary>An attempt is running.</summary>
    Running,

    /// <summary>An attempt failed with a retryable error; the next attempt is due at the step's <c>nextAttempt</c>.</summary>
    Retrying,

    /// <summary>Done; its result is provided to the steps after it.</summary>
    Completed,

    /// <summary>Its condition was false, or a value it requires was never provided (a skipped branch).</summary>
    Skipped,

    /// <summary>Its last attempt failed: the flow rolls back.</summary>
    Failed,

    /// <summary>It was running, or had not started, when another step failed or the flow was cancelled or timed out.</summary>
    Cancelled,

    /// <summary>It completed, and its revert ran when the flow rolled back.</summary>
    Reverted,

    /// <summary>Its revert failed: its side effect may still be in place.</summary>
    RevertFailed,
}
