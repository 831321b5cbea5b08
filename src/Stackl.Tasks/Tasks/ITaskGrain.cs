using System.Text.Json;
using Stackl.Contracts;
using Stackl.Runtime;

namespace Stackl.Tasks.Tasks;

/// <summary>One task: it owns its lifecycle, coordinates the two-phase commit of its documents, and rolls back what overruns.</summary>
[GrainType("task")]
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>Stores the task (Pending), arms its deadline and starts it; a repeated submit returns the stored task.</summary>
    /// <param name="submission">The validated task.</param>
    Task<TaskView> SubmitAsync(TaskSubmission submission);

    /// <summary>The task now, or null when no task has this id.</summary>
    [AlwaysInterleave]
    Task<TaskView?> GetAsync();

    /// <summary>Waits until the task is final or <paramref name="wait"/> passes, and returns it (null when unknown).</summary>
    /// <param name="wait">The longest wait.</param>
    [AlwaysInterleave]
    Task<TaskView?> WaitAsync(TimeSpan wait);

    /// <summary>The commit decision, for documents resolving an expired lock.</summary>
    [AlwaysInterleave]
    Task<TaskDecision> GetDecisionAsync();

    /// <summary>Cancels the task unless it is final or already decided to commit; returns the task.</summary>
    Task<TaskView?> CancelAsync();

    /// <summary>Executor: moves Pending to Running; false when the task must not run (cancelled, timed out, final).</summary>
    Task<bool> MarkRunningAsync();

    /// <summary>Executor: appends log lines.</summary>
    /// <param name="lines">The lines.</param>
    Task AppendLogAsync(IReadOnlyList<TaskLogLine> lines);

    /// <summary>Executor: records a revert action durably before its side effect.</summary>
    /// <param name="revert">The action.</param>
    Task AddRevertAsync(RevertRecord revert);

    /// <summary>Executor: writes the decision record (the commit point); false when the task is rolling back or past its deadline.</summary>
    /// <param name="result">The handler's result.</param>
    Task<bool> DecideCommitAsync(JsonElement? result);

    /// <summary>Executor: every document committed; the task completes.</summary>
    Task CompleteAsync();

    /// <summary>Executor: the handler failed; the task rolls back and ends with <paramref name="error"/>.</summary>
    /// <param name="status">The final status (Failed or TimedOut).</param>
    /// <param name="error">Why.</param>
    Task FailAsync(Contracts.TaskStatus status, TaskError error);

    /// <summary>Rollback driver: documents released and reverts run; the task becomes final.</summary>
    /// <param name="revertError">The failure of a revert action, which makes the task RollbackFailed.</param>
    Task FinishRollbackAsync(TaskError? revertError);
}
