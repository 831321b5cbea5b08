using Orleans.Placement;
using Stackl.Contracts;
using Stackl.Tasks.Documents;
using Stackl.Tasks.Flows;

namespace Stackl.Tasks.Execution;

/// <summary>The task grain: persists every transition before reporting it, runs its handler outside its turn, and drives commit or rollback to a final status.</summary>
/// <remarks>
/// The deadline is a precise in-memory timer, backed by the deadline sweep: the task row records its deadline and its silo, and every
/// silo wakes the unfinished tasks of silos that left the cluster and those past their deadline, so the task comes back after its silo died.
/// After a crash any activation recovers the task: a task whose decision record is written finishes its commit, a task rolling back
/// finishes its rollback, and a running task whose executor died asks its documents whether it committed, then completes or rolls back.
/// </remarks>
// A task runs on the silo that accepted it (its executor too): producers spread tasks over silos through the load balancer,
// and a submit costs no hop to another silo. After that silo dies the task recovers wherever the sweep wakes it.
[GrainType(GrainTypeName)]
[PreferLocalPlacement]
internal sealed class TaskGrain(
    [PersistentState("task", TaskStorageNames.Tasks)] IPersistentState<TaskState> state,
    TaskEnvironment environment) : StacklGrain, ITaskGrain, ITaskExecutionGrain, IRemindable
{
    /// <summary>The task grain's stable type name (stored keys use it).</summary>
    public const string GrainTypeName = "task";

    private readonly TaskCompletionSource _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _executorCancel;
    private Task? _driver;
    private DriverKind _driverKind;
    private IGrainTimer? _deadlineTimer;

    // The lines the running handler wrote that the task has not stored yet (they are stored with its outcome).
    private TaskLogBuffer? _unstoredLogs;

    // A flow's steps as its run sees them now (stored or not), and its step graph for views.
    private FlowProgress? _flowProgress;
    private FlowPlan? _flowPlan;

    // True once a final status is known to be stored (written here, or read at activation).
    private bool _finalStored;

    // True from BeginOnePhaseCommitAsync until the task completes or fails: the document's commit decides, so no rollback may start.
    private bool _onePhaseInFlight;

    private enum DriverKind
    {
        None,
        Executor,
        Commit,
        Rollback,
        Recovery,
    }

    private TaskState Current => state.State;

    private bool IsFinal => Current.Status.IsFinal();

    private bool DriverRunning => _driver is { IsCompleted: false };

    private TimeProvider TimeProvider => environment.TimeProvider;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists)
        {
            return;
        }

        if (IsFinal)
        {
            _finalStored = true;
            _final.TrySetResult();
            return;
        }

        KeepAlive = true;
        ArmDeadlineTimer();

        // This silo drives the task from now on; its name and address are stored with the task's next write.
        Current.Silo = environment.SiloName;
        Current.SiloAddress = environment.SiloAddress;
        await RecoverAsync();
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Leaving memory unfinished while the silo lives (a state write failed, say): no timer of this activation drives the task
        // any more, so the silo's deadline sweep wakes it again at its next round.
        if (state.RecordExists && !_finalStored && !environment.SiloStopping.IsCancellationRequested)
        {
            environment.LeftUnfinished(GrainKey);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<TaskView> SubmitAsync(TaskSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        if (state.RecordExists)
        {
            return View()!;
        }

        var now = TimeProvider.GetUtcNow();
        state.State = new TaskState
        {
            Submission = submission,
            // The task starts at once, so it is stored as Running; Pending stays for tasks whose start is deferred.
            Status = TaskStatus.Running,
            Created = now,
            Started = now,
            Deadline = now + submission.Timeout,
            Attempt = 1,
            Silo = environment.SiloName,
            SiloAddress = environment.SiloAddress,
        };

        // The row carries the deadline and the silo: that is what the deadline sweep finds the task by after a crash.
        var stored = WriteOrForgetAsync(state);

        // The first lock is asked for now, so its write joins the same group commit instead of waiting for the next one. It is asked after
        // the task's writes were queued: one engine writer (SQLite) commits them in that order, so a crash cannot leave the lock without
        // its task. Where writers run in parallel (PostgreSQL) a crash can, rarely: that lock expires with its lease and the next task
        // asking for the document resolves it (an unknown owner decided nothing), as it does for any lock whose owner died.
        var firstLock = submission.Documents.Count > 0 ? RequestLock(submission.Documents[0]) : null;
        try
        {
            await stored;
        }
        catch
        {
            if (firstLock is not null)
            {
                await AbandonLockAsync(submission.Documents[0], firstLock);
            }

            throw;
        }

        KeepAlive = true;
        environment.Metrics.Submitted(submission.Topic);
        TasksLog.TaskSubmitted(environment.Logger, GrainKey, submission.Topic, submission.Subtype, submission.Timeout.TotalSeconds);
        Publish();
        ArmDeadlineTimer();
        StartExecutor(firstLock);
        return View()!;
    }

    /// <inheritdoc />
    public async Task<TaskView> SubmitAndWaitAsync(TaskSubmission submission, TimeSpan wait)
    {
        // The submit goes through the grain's queue as a call of its own, so it never interleaves with another turn; this
        // call only waits, interleaved, in the activation that runs the task.
        var submitted = await GrainFactory.GetGrain<ITaskGrain>(GrainKey).SubmitAsync(submission);
        if (submitted.Status.IsFinal() || wait <= TimeSpan.Zero)
        {
            return submitted;
        }

        return await WaitAsync(wait) ?? submitted;
    }

    /// <inheritdoc />
    // No DeactivateOnIdle for an unknown id here: an interleaved read can run while SubmitAsync is storing the task.
    public Task<TaskView?> GetAsync()
    {
        LeaveIfFinal();
        return Task.FromResult(View());
    }

    /// <inheritdoc />
    public async Task<TaskView?> WaitAsync(TimeSpan wait)
    {
        if (!state.RecordExists)
        {
            return null;
        }

        try
        {
            await _final.Task.WaitAsync(wait, TimeProvider);
        }
        catch (TimeoutException)
        {
            // Not final within the wait: the caller gets the task as it is.
        }

        LeaveIfFinal();
        return View();
    }

    /// <inheritdoc />
    public async Task<TaskView?> CancelAsync(string? requestedBy)
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
            return null;
        }

        if (!IsFinal && !Current.Committing && !_onePhaseInFlight)
        {
            Current.CancelledBy = requestedBy;
            Current.CancelRequested = TimeProvider.GetUtcNow();
            await BeginRollbackAsync(TaskStatus.Cancelled, new TaskError(ErrorCodes.Cancelled, "The task was cancelled before it committed; nothing was changed."));
        }

        LeaveIfFinal();
        return View();
    }

    /// <inheritdoc />
    public Task<TaskDecision> GetDecisionAsync() => Task.FromResult(Current.Decision);

    /// <inheritdoc />
    public Task LockGrantedAsync(string documentKey)
    {
        environment.LockSignals.Signal(GrainKey, documentKey);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task AddRevertAsync(RevertRecord revert)
    {
        ArgumentNullException.ThrowIfNull(revert);
        if (Current.Status != TaskStatus.Running || Current.Committing)
        {
            throw new TaskFailedException(ErrorCodes.Cancelled, $"Task {GrainKey} is {Current.Status}; it takes no new side effects.");
        }

        Current.Reverts.Add(revert);
        await WriteOrForgetAsync(state);
    }

    /// <inheritdoc />
    public async Task SaveStepAsync(FlowStepState step, RevertRecord? revert)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (Current.Status != TaskStatus.Running || Current.Committing)
        {
            throw new TaskFailedException(ErrorCodes.Cancelled, $"Flow {GrainKey} is {Current.Status}; its step '{step.Name}' is not stored.");
        }

        (Current.Steps ??= new Dictionary<string, FlowStepState>(StringComparer.Ordinal))[step.Name] = step;
        if (revert is not null)
        {
            Current.Reverts.Add(revert);
        }

        await WriteOrForgetAsync(state);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RevertRecord>> GetStepRevertsAsync(IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        return Task.FromResult<IReadOnlyList<RevertRecord>>([.. Current.Reverts.Where(r => r.Step is not null && steps.Contains(r.Step))]);
    }

    /// <inheritdoc />
    public async Task RetryScopeAsync(string scope, FlowScopeState next, IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(steps);
        if (Current.Status != TaskStatus.Running || Current.Committing)
        {
            throw new TaskFailedException(ErrorCodes.Cancelled, $"Flow {GrainKey} is {Current.Status}; its subflow '{scope}' does not run again.");
        }

        (Current.Scopes ??= new Dictionary<string, FlowScopeState>(StringComparer.Ordinal))[scope] = next;
        foreach (var step in steps)
        {
            Current.Steps?.Remove(step);
        }

        Current.Reverts.RemoveAll(r => r.Step is not null && steps.Contains(r.Step));
        await WriteOrForgetAsync(state);
    }

    /// <inheritdoc />
    public async Task RevertDoneAsync(int done, string? step, IReadOnlyList<TaskLogLine> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (Current.Status != TaskStatus.RollingBack || done <= Current.RevertsDone)
        {
            return;
        }

        Current.RevertsDone = done;
        if (step is not null && Current.Steps?.GetValueOrDefault(step) is { } reverted)
        {
            reverted.Status = StepStatus.Reverted;
            reverted.RevertOrder ??= Current.Steps.Values.Count(s => s.RevertOrder is not null) + 1;
            reverted.Logs.AddRange(logs);
            _flowProgress?.Show(reverted);
        }

        await WriteOrForgetAsync(state);
    }

    /// <inheritdoc />
    public Task<bool> BeginOnePhaseCommitAsync()
    {
        if (Current.Status != TaskStatus.Running || Current.Committing || TimeProvider.GetUtcNow() >= Current.Deadline)
        {
            return Task.FromResult(false);
        }

        _onePhaseInFlight = true;
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public async Task<bool> DecideCommitAsync(TaskOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (Current.Status != TaskStatus.Running || TimeProvider.GetUtcNow() >= Current.Deadline)
        {
            return false;
        }

        Current.Committing = true;
        Current.Result = outcome.Result;
        Current.AddLogs(outcome.Logs);
        await WriteOrForgetAsync(state);
        environment.Faults.Hit(FaultPoint.DecisionAnswerLost, GrainKey);
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> CompleteAsync(TaskOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (IsFinal || Current.Status != TaskStatus.Running)
        {
            return Current.Status == TaskStatus.Completed;
        }

        // Past the deadline a task may still complete when its commit is already decided (two-phase) or done (one-phase).
        if (!Current.Committing && !_onePhaseInFlight && TimeProvider.GetUtcNow() >= Current.Deadline)
        {
            return false;
        }

        if (!Current.Committing)
        {
            Current.Result = outcome.Result;
        }

        Current.AddLogs(outcome.Logs);
        await BecomeFinalAsync(TaskStatus.Completed, error: null);
        return true;
    }

    /// <inheritdoc />
    public async Task FailAsync(TaskStatus status, TaskError error, IReadOnlyList<TaskLogLine> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (IsFinal || Current.Committing || Current.Status == TaskStatus.RollingBack)
        {
            return;
        }

        _onePhaseInFlight = false;
        Current.AddLogs(logs);
        await BeginRollbackAsync(status, error);
    }

    /// <inheritdoc />
    public async Task FinishRollbackAsync(TaskError? revertError, string? failedStep)
    {
        if (Current.Status != TaskStatus.RollingBack)
        {
            return;
        }

        if (failedStep is not null && Current.Steps?.GetValueOrDefault(failedStep) is { } step)
        {
            step.Status = StepStatus.RevertFailed;
            step.Error = revertError;
            _flowProgress?.Show(step);
        }

        await BecomeFinalAsync(revertError is null ? Current.RollbackTarget : TaskStatus.RollbackFailed, revertError ?? Current.Error);
    }

    /// <inheritdoc />
    public async Task FinishRecoveryAsync(bool committed)
    {
        _onePhaseInFlight = false;
        if (Current.Status != TaskStatus.Running || Current.Committing)
        {
            return;
        }

        if (committed)
        {
            Current.AddLogs([new TaskLogLine(TimeProvider.GetUtcNow(), "The silo running this task stopped after its document committed; the task completed on recovery (its result, if any, was lost).")]);
            await BecomeFinalAsync(TaskStatus.Completed, error: null);
        }
        else if (IsResumable)
        {
            await ResumeAsync();
        }
        else
        {
            await BeginRollbackAsync(TaskStatus.Failed, new TaskError(ErrorCodes.SiloLost, "The silo running the task stopped before the task committed; it was rolled back."));
        }
    }

    /// <inheritdoc />
    public Task CheckDeadlineAsync() => OnDeadlineAsync();

    /// <inheritdoc />
    // Tasks stored by earlier versions registered a recovery reminder each; it is removed at its first tick, and the sweep takes over.
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await OnDeadlineAsync();
    }

    private async Task OnDeadlineAsync()
    {
        if (Forgotten)
        {
            // A write of this activation failed; the next activation reads what is stored and carries on from there.
            return;
        }

        if (!state.RecordExists)
        {
            DeactivateOnIdle();
            return;
        }

        if (IsFinal)
        {
            LeaveIfFinal();
            return;
        }

        if (Current.Committing || Current.Status == TaskStatus.RollingBack)
        {
            if (!DriverRunning)
            {
                await RecoverAsync();
            }

            return;
        }

        // A one-phase commit in flight decides the task; once its executor ended without settling it, recovery asks the document.
        if ((_onePhaseInFlight || _driverKind == DriverKind.Recovery) && DriverRunning)
        {
            return;
        }

        if (_onePhaseInFlight)
        {
            // Its executor ended without knowing whether the document committed: never roll back blind, ask the document.
            await RecoverAsync();
            return;
        }

        if (TimeProvider.GetUtcNow() >= Current.Deadline)
        {
            await BeginRollbackAsync(TaskStatus.TimedOut, new TaskError(ErrorCodes.TimedOut, $"The task did not finish within its timeout of {Current.Submission!.Timeout.TotalSeconds:0.###} s; nothing was changed."));
        }
        else if (!DriverRunning)
        {
            await RecoverAsync();
        }
    }

    private async Task RecoverAsync()
    {
        if (Current.Committing)
        {
            StartDriver(DriverKind.Commit, (executor, stopping) => executor.CommitAllAsync(stopping));
        }
        else if (Current.Status == TaskStatus.RollingBack)
        {
            StartRollbackDriver();
        }
        else if (Current.Submission!.Documents.Count == 0)
        {
            await FinishRecoveryAsync(committed: false);
        }

        else
        {
            // The executor died with its silo: a one-phase commit may have reached its document before the crash.
            StartDriver(DriverKind.Recovery, (executor, stopping) => executor.RecoverAsync(stopping));
        }
    }

    private bool IsResumable => environment.Handlers.TryGet(Current.Submission!.Topic, Current.Submission.Subtype) is IResumableTaskHandler;

    /// <summary>A flow whose run stopped (its silo died, or its executor failed to store a step) continues from its stored steps.</summary>
    private async Task ResumeAsync()
    {
        Current.Attempt++;
        Current.AddLogs([new TaskLogLine(TimeProvider.GetUtcNow(), $"Resumed on silo {environment.SiloName} (run {Current.Attempt}): completed steps are kept; a step that was running runs again.")]);
        await WriteOrForgetAsync(state);
        Publish();
        StartExecutor(firstLock: null);
    }

    private async Task BeginRollbackAsync(TaskStatus target, TaskError error)
    {
        if (IsFinal || Current.Status == TaskStatus.RollingBack || Current.Committing)
        {
            return;
        }

        Current.Status = TaskStatus.RollingBack;
        Current.RollbackTarget = target;
        Current.Error = error;
        await WriteOrForgetAsync(state);
        Publish();
        if (_executorCancel is not null)
        {
            await _executorCancel.CancelAsync();
        }

        StartRollbackDriver();
    }

    private async Task BecomeFinalAsync(TaskStatus status, TaskError? error)
    {
        // Follow-ups start before the final status is stored: a crash in between leaves the task unfinished, its recovery fires again,
        // and each follow-up's idempotency key makes that the same task, so a rule fires exactly once per finished task.
        bool fired;
        try
        {
            fired = await environment.Chains.FireAsync(GrainKey, Current.Submission!, status, status == TaskStatus.Completed ? Current.Result : null);
        }
        catch (Exception failure) when (failure is not (InjectedFaultException or SiloUnavailableException))
        {
            // Raised as a crash, never as a failure of the task: whatever committed stays committed, the task's timer or its
            // recovery drives it here again, and it fires again (the same follow-ups, by their keys) before it becomes final.
            throw new SiloUnavailableException($"Task {GrainKey} could not start its chain follow-ups ({failure.GetType().Name}: {failure.Message}); it becomes final when it is driven again.");
        }

        if (fired)
        {
            environment.Faults.Hit(FaultPoint.AfterChains, GrainKey);
        }
        Current.Status = status;
        Current.Error = error;
        Current.Completed = TimeProvider.GetUtcNow();
        await WriteOrForgetAsync(state);
        _finalStored = true;
        _onePhaseInFlight = false;
        _unstoredLogs = null;
        _deadlineTimer?.Dispose();
        _deadlineTimer = null;
        KeepAlive = false;
        _final.TrySetResult();
        Publish();
        Report();
        environment.LockSignals.Forget(GrainKey, Current.Submission!.Documents);

        // A final task only answers reads, and its stored state answers them as well (a waiter is answered above, a later read reactivates it
        // from one row). Leaving memory when the turn ends keeps the heap, and the GC pauses every task waits through, independent of how
        // many tasks finished within the collection age (15 min by default: about a million at 1,000 tasks/s).
        DeactivateOnIdle();
    }

    /// <summary>A final task read back from storage (by a read, wait or cancel) leaves memory again once it has answered.</summary>
    private void LeaveIfFinal()
    {
        if (state.RecordExists && IsFinal)
        {
            DeactivateOnIdle();
        }
    }

    // One timer: at the deadline to the millisecond, and every recovery interval before it, so a driver that ended without settling
    // the task (a commit whose answer was lost, a step that failed on a storage outage) is driven again while the activation lives.
    private void ArmDeadlineTimer()
    {
        _deadlineTimer ??= this.RegisterGrainTimer(
            async _ =>
            {
                await OnDeadlineAsync();
                if (state.RecordExists && !IsFinal)
                {
                    _deadlineTimer?.Change(NextTick(afterTick: true), Timeout.InfiniteTimeSpan);
                }
            },
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        _deadlineTimer.Change(NextTick(afterTick: false), Timeout.InfiniteTimeSpan);
    }

    /// <summary>The time to the next tick: the deadline when it comes within a recovery interval, else one interval.</summary>
    /// <param name="afterTick">True after a tick: past the deadline the tick that started the rollback is done, so the next one waits an interval.</param>
    private TimeSpan NextTick(bool afterTick)
    {
        var untilDeadline = Current.Deadline - TimeProvider.GetUtcNow();
        var interval = environment.Options.RecoveryInterval;
        return untilDeadline <= TimeSpan.Zero ? (afterTick ? interval : TimeSpan.Zero) : untilDeadline < interval ? untilDeadline : interval;
    }

    private void StartExecutor(Task<DocumentLockResult>? firstLock)
    {
        _executorCancel = new CancellationTokenSource();
        var cancel = _executorCancel.Token;
        var handler = environment.Handlers.Get(Current.Submission!.Topic, Current.Submission.Subtype);
        var log = _unstoredLogs = new TaskLogBuffer(Current.Logs.Count);
        var progress = handler is IResumableTaskHandler ? _flowProgress = new FlowProgress() : null;
        var stored = Current.Steps?.ToDictionary(s => s.Key, s => s.Value.Copy(), StringComparer.Ordinal) ?? [];
        var scopes = Current.Scopes?.ToDictionary(s => s.Key, s => new FlowScopeState { Attempt = s.Value.Attempt, NextAttempt = s.Value.NextAttempt }, StringComparer.Ordinal) ?? [];
        StartDriver(DriverKind.Executor, (executor, stopping) => executor.RunAsync(handler, firstLock, cancel, stopping, log, new FlowStart(stored, scopes), progress));
    }

    private Task<DocumentLockResult> RequestLock(string documentKey) =>
        GrainFactory.GetGrain<IDocumentGrain>(documentKey).LockAsync(GrainKey, Current.Deadline + environment.Options.CommitGrace);

    /// <summary>The task was not stored: gives back the lock (or the queue place) it asked for, so the document does not wait for the lease.</summary>
    private async Task AbandonLockAsync(string documentKey, Task<DocumentLockResult> requested)
    {
        try
        {
            await requested;
            await GrainFactory.GetGrain<IDocumentGrain>(documentKey).ReleaseAsync(GrainKey);
        }
#pragma warning disable CA1031 // Best effort: the submit already failed with the store's error, and the lock's lease bounds what is left behind.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            TasksLog.AbandonedLockNotReleased(environment.Logger, exception, GrainKey, documentKey);
        }
    }

    private void StartRollbackDriver()
    {
        var reverts = Current.Reverts.ToList();
        var done = Current.RevertsDone;
        StartDriver(DriverKind.Rollback, (executor, stopping) => executor.RollBackAsync(reverts, done, stopping));
    }

    private void StartDriver(DriverKind kind, Func<TaskExecutor, CancellationToken, Task> drive)
    {
        if (Forgotten)
        {
            return;
        }

        var executor = new TaskExecutor(GrainKey, Current.Submission!, Current.Deadline, environment, GrainFactory);
        _driverKind = kind;
        var stopping = environment.SiloStopping;
        var tracked = environment.Drain.Track();
        _driver = RunDetachedAsync(async () =>
        {
            using (tracked)
            {
                await drive(executor, stopping);
            }
        });
    }

    private void Publish()
    {
        var submission = Current.Submission!;
        var duration = IsFinal && Current.Completed is { } completed ? (completed - Current.Created).TotalMilliseconds : (double?)null;
        var position = TaskEventPosition.Of(Current.Logs.Count, Current.Status).ToString();
        environment.Events.Publish(new TaskEvent(GrainKey, TaskEvent.StatusKind, Current.Status, submission.Topic, submission.Subtype, TimeProvider.GetUtcNow(), Current.Error?.Message, duration, position));
    }

    /// <summary>Counts and logs a final status (once: it follows the write that made the status final).</summary>
    private void Report()
    {
        var submission = Current.Submission!;
        var duration = Current.Completed!.Value - Current.Created;
        environment.Metrics.Finished(Current.Status, submission.Topic, duration);
        var logger = environment.Logger;
        switch (Current.Status)
        {
            case TaskStatus.Completed:
                TasksLog.TaskCompleted(logger, GrainKey, submission.Topic, submission.Subtype, duration.TotalMilliseconds);
                break;
            case TaskStatus.RollbackFailed:
                TasksLog.TaskRollbackFailed(logger, GrainKey, submission.Topic, submission.Subtype, Current.Error?.Message);
                break;
            default:
                TasksLog.TaskNotCompleted(logger, GrainKey, submission.Topic, submission.Subtype, Current.Status, duration.TotalMilliseconds, Current.Error?.Code, Current.Error?.Message);
                break;
        }
    }

    private TaskView? View() =>
        state.RecordExists && Current.Submission is not null
            ? Current.ToView(GrainKey, unstoredLogs: _unstoredLogs?.After(Current.Logs.Count), steps: StepViews())
            : null;

    private IReadOnlyList<StepView>? StepViews()
    {
        var submission = Current.Submission!;
        if (environment.Handlers.TryGet(submission.Topic, submission.Subtype) is not IResumableTaskHandler)
        {
            return null;
        }

        try
        {
            _flowPlan ??= FlowPlan.Parse(submission.Payload, environment.Handlers);
        }
        catch (TaskValidationException)
        {
            // A handler the flow started with is no longer registered: the flow shows no steps rather than failing every read.
            return null;
        }

        return FlowViews.Build(GrainKey, _flowPlan, Current, _flowProgress);
    }
}
