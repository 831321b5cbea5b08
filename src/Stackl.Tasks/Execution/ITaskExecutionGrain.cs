using Orleans.Concurrency;
using Stackl.Contracts;

namespace Stackl.Tasks.Execution;

/// <summary>The task grain's internal protocol: callbacks of its own executor and questions from document grains.</summary>
/// <remarks>The same grain implements <see cref="ITaskGrain"/>; producers never see these methods.</remarks>
internal interface ITaskExecutionGrain : IGrainWithStringKey
{
    /// <summary>For the deadline sweep: brings back a task whose silo left (its activation recovers it) or times out one past its deadline.</summary>
    Task CheckDeadlineAsync();

    /// <summary>The commit decision, for documents resolving an expired lock.</summary>
    [AlwaysInterleave]
    Task<TaskDecision> GetDecisionAsync();

    /// <summary>A document handed its lock to this task: wakes the executor waiting for it.</summary>
    /// <param name="documentKey">The document.</param>
    [AlwaysInterleave]
    Task LockGrantedAsync(string documentKey);

    /// <summary>Executor: records a revert action durably before its side effect.</summary>
    /// <param name="revert">The action.</param>
    Task AddRevertAsync(RevertRecord revert);

    /// <summary>Flow run: stores a step's state, with the revert of a step that completed, in one write.</summary>
    /// <param name="step">The step's state.</param>
    /// <param name="revert">The completed step's revert, or null.</param>
    Task SaveStepAsync(Flows.FlowStepState step, RevertRecord? revert);

    /// <summary>Flow run: the revert actions the given steps registered, oldest first.</summary>
    /// <param name="steps">The steps' names.</param>
    Task<IReadOnlyList<RevertRecord>> GetStepRevertsAsync(IReadOnlyList<string> steps);

    /// <summary>Flow run: a subflow runs again; its steps (reverted by the run) start over, and their reverts are dropped, in one write.</summary>
    /// <param name="scope">The subflow's name.</param>
    /// <param name="next">Its next run.</param>
    /// <param name="steps">Its steps.</param>
    Task RetryScopeAsync(string scope, Flows.FlowScopeState next, IReadOnlyList<string> steps);

    /// <summary>Rollback driver: one more revert action ran (newest first); a rollback resumed after a crash starts after it.</summary>
    /// <param name="done">How many revert actions have run.</param>
    /// <param name="step">The flow step it reverted, or null.</param>
    /// <param name="logs">The lines its revert wrote.</param>
    Task RevertDoneAsync(int done, string? step, IReadOnlyList<TaskLogLine> logs);

    /// <summary>Executor: keeps cancel and deadline from starting a rollback while one document commits alone; false when the task must not commit.</summary>
    Task<bool> BeginOnePhaseCommitAsync();

    /// <summary>Executor: writes the decision record (the commit point) with the outcome; false when the task is rolling back or past its deadline.</summary>
    /// <param name="outcome">The handler's result and log lines.</param>
    Task<bool> DecideCommitAsync(TaskOutcome outcome);

    /// <summary>Executor: the task completes; false when it may not (rolling back, or past its deadline with nothing committed).</summary>
    /// <param name="outcome">The result and log lines not stored yet.</param>
    Task<bool> CompleteAsync(TaskOutcome outcome);

    /// <summary>Executor: the handler failed or the lock was lost; the task rolls back and ends with <paramref name="error"/>.</summary>
    /// <param name="status">The final status (Failed or TimedOut).</param>
    /// <param name="error">Why.</param>
    /// <param name="logs">Log lines not stored yet.</param>
    Task FailAsync(TaskStatus status, TaskError error, IReadOnlyList<TaskLogLine> logs);

    /// <summary>Rollback driver: documents released and reverts run; the task becomes final.</summary>
    /// <param name="revertError">The failure of a revert action, which makes the task RollbackFailed.</param>
    /// <param name="failedStep">The flow step whose revert failed, or null.</param>
    Task FinishRollbackAsync(TaskError? revertError, string? failedStep);

    /// <summary>Recovery driver: whether the one document of a task whose executor died was committed by it.</summary>
    /// <param name="committed">True when the document holds the task's commit.</param>
    Task FinishRecoveryAsync(bool committed);
}
