using Orleans.Placement;
using Stackl.Contracts;
using Stackl.Tasks.Documents;

namespace Stackl.Tasks.Execution;

/// <summary>The task grain: persists every transition before reporting it, runs its handler outside its turn, and drives commit or rollback to a final status.</summary>
/// <remarks>
/// The deadline is a precise in-memory timer, backed by a durable reminder that ticks every recovery interval from the submit on
/// until the task is final, so any silo can bring the task back after its silo died.
/// After a crash any activation recovers the task: a task whose decision record is written finishes its commit, a task rolling back
/// finishes its rollback, and a running task whose executor died asks its documents whether it committed, then completes or rolls back.
/// </remarks>
// A task runs on the silo that accepted it (its executor too): producers spread tasks over silos through the load balancer,
// and a submit costs no hop to another silo. After that silo dies the task recovers wherever its reminder fires.
[GrainType("task")]
[PreferLocalPlacement]
internal sealed class TaskGrain(
    [PersistentState("task", TaskStorageNames.Tasks)] IPersistentState<TaskState> state,
    TaskEnvironment environment) : StacklGrain, ITaskGrain, ITaskExecutionGrain, IRemindable
{
    private const string DeadlineReminder = "deadline";

    private readonly TaskCompletionSource _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _executorCancel;
    private Task? _driver;
    private DriverKind _driverKind;
    private IDisposable? _deadlineTimer;
    private IGrainReminder? _deadlineReminder;
    private IGrainTimer? _reminderRetryTimer;

    // The lines the running handler wrote that the task has not stored yet (they are stored with its outcome).
    private TaskLogBuffer? _unstoredLogs;

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
            _final.TrySetResult();
            return;
        }

        KeepAlive = true;
        ArmDeadlineTimer();

        // This silo drives the task from now on; the name is stored with the task's next write.
        Current.Silo = environment.SiloName;

        // A submit whose reminder write failed (or a reminder lost with a crash between the two writes) gets it back here.
        await RegisterRecoveryReminderAsync();
        await RecoverAsync();
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
        };

        // Both writes meet in the store's group commit; the reminder is what recovers the task after a crash.
        var stored = WriteOrForgetAsync(state);
        var reminded = RegisterRecoveryReminderAsync();

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
            reminded.Ignore();
            if (firstLock is not null)
            {
                await AbandonLockAsync(submission.Documents[0], firstLock);
            }

            throw;
        }

        try
        {
            await reminded;
        }
#pragma warning disable CA1031 // The task is stored: it runs, and its safety net is registered again until that succeeds.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // In a cluster the reminder's owner can be a silo that just died; the submit must not fail for a stored task.
            TasksLog.ReminderRegistrationRetried(environment.Logger, exception, GrainKey);
            RetryRecoveryReminder();
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
    // No DeactivateOnIdle for an unknown id here: an interleaved read can run while SubmitAsync is storing the task.
    public Task<TaskView?> GetAsync() => Task.FromResult(View());

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

        return View();
    }

    /// <inheritdoc />
    public async Task<TaskView?> CancelAsync()
    {
        if (!state.RecordExists)
        {
            DeactivateOnIdle();
            return null;
        }

        if (!IsFinal && !Current.Committing && !_onePhaseInFlight)
        {
            await BeginRollbackAsync(TaskStatus.Cancelled, new TaskError(ErrorCodes.Cancelled, "The task was cancelled before it committed; nothing was changed."));
        }

        return View();
    }

    /// <inheritdoc />
    public Task<TaskDecision> GetDecisionAsync() => Task.FromResult(
        Current.Committing || Current.Status == TaskStatus.Completed ? TaskDecision.Commit
        : Current.Status == TaskStatus.RollingBack || IsFinal ? TaskDecision.Abort
        : TaskDecision.Undecided);

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
    public async Task FinishRollbackAsync(TaskError? revertError)
    {
        if (Current.Status != TaskStatus.RollingBack)
        {
            return;
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
        else
        {
            await BeginRollbackAsync(TaskStatus.Failed, new TaskError(ErrorCodes.SiloLost, "The silo running the task stopped before the task committed; it was rolled back."));
        }
    }

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        environment.Metrics.ReminderDelivered(TimeProvider.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(status.CurrentTickTime, DateTimeKind.Utc)));
        return OnDeadlineAsync();
    }

    private async Task OnDeadlineAsync()
    {
        if (!state.RecordExists || IsFinal)
        {
            await UnregisterDeadlineReminderAsync();
            if (!state.RecordExists)
            {
                DeactivateOnIdle();
            }

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
        Current.Status = status;
        Current.Error = error;
        Current.Completed = TimeProvider.GetUtcNow();
        await WriteOrForgetAsync(state);
        _onePhaseInFlight = false;
        _unstoredLogs = null;
        _deadlineTimer?.Dispose();
        KeepAlive = false;
        _final.TrySetResult();
        Publish();
        Report();
        environment.LockSignals.Forget(GrainKey, Current.Submission!.Documents);

        // A final task only answers reads, and its stored state answers them as well (a waiter is answered above, a later read reactivates it
        // from one row). Leaving memory when the turn ends keeps the heap, and the GC pauses every task waits through, independent of how
        // many tasks finished within the collection age (15 min by default: about a million at 1,000 tasks/s).
        DeactivateOnIdle();

        // A reminder left behind finds the task final and removes itself.
        await UnregisterDeadlineReminderAsync();
    }

    private void ArmDeadlineTimer()
    {
        var delay = Current.Deadline - TimeProvider.GetUtcNow();
        _deadlineTimer?.Dispose();
        _deadlineTimer = this.RegisterGrainTimer(_ => OnDeadlineAsync(), delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    // The reminder brings the task back after its silo died: its first tick comes one recovery interval after the submit, not at
    // the deadline, so a dead silo's task resumes (or rolls back) seconds after the silo is declared dead. While the task's
    // activation lives, a tick finds it running and does nothing; the in-memory timer keeps the deadline to the millisecond.
    private async Task RegisterRecoveryReminderAsync()
    {
        var interval = environment.Options.RecoveryInterval;
        _deadlineReminder = await this.RegisterOrUpdateReminder(DeadlineReminder, interval, interval);
    }

    private void RetryRecoveryReminder()
    {
        var interval = environment.Options.RecoveryInterval;
        _reminderRetryTimer = this.RegisterGrainTimer(
            async _ =>
            {
                if (IsFinal)
                {
                    _reminderRetryTimer?.Dispose();
                    return;
                }

                try
                {
                    await RegisterRecoveryReminderAsync();
                    _reminderRetryTimer?.Dispose();
                }
#pragma warning disable CA1031 // Tried again at the next tick.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    TasksLog.ReminderRegistrationRetried(environment.Logger, exception, GrainKey);
                }
            },
            interval,
            interval);
    }

    private async Task UnregisterDeadlineReminderAsync()
    {
        // After a reactivation the handle is gone: the reminder table has it.
        var reminder = _deadlineReminder ?? await this.GetReminder(DeadlineReminder);
        _deadlineReminder = null;
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void StartExecutor(Task<DocumentLockResult>? firstLock)
    {
        _executorCancel = new CancellationTokenSource();
        var cancel = _executorCancel.Token;
        var handler = environment.Handlers.Get(Current.Submission!.Topic, Current.Submission.Subtype);
        var log = _unstoredLogs = new TaskLogBuffer(Current.Logs.Count);
        StartDriver(DriverKind.Executor, (executor, stopping) => executor.RunAsync(handler, firstLock, cancel, stopping, log));
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
        StartDriver(DriverKind.Rollback, (executor, stopping) => executor.RollBackAsync(reverts, stopping));
    }

    private void StartDriver(DriverKind kind, Func<TaskExecutor, CancellationToken, Task> drive)
    {
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

    private TaskView? View() => state.RecordExists && Current.Submission is not null ? Current.ToView(GrainKey, unstoredLogs: _unstoredLogs?.After(Current.Logs.Count)) : null;
}
