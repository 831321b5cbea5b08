using System.Text.Json;
using Microsoft.Extensions.Options;
using Stackl.Contracts;
using Stackl.Runtime;
using Stackl.Tasks.Documents;
using Stackl.Tasks.Handlers;
using TaskStatus = Stackl.Contracts.TaskStatus;

namespace Stackl.Tasks.Tasks;

/// <summary>The task grain: persists every transition before reporting it, runs its handler outside its turn, and drives commit or rollback to a final status.</summary>
/// <remarks>
/// The deadline is a durable reminder (repeating at the recovery interval until the task is final) plus a precise in-memory timer.
/// After a crash the reminder reactivates the task: a task whose decision record is written finishes its commit; any other non-final task rolls back.
/// </remarks>
public sealed class TaskGrain(
    [PersistentState("task")] IPersistentState<TaskState> state,
    HandlerRegistry handlers,
    FaultInjector faults,
    IOptions<TaskOptions> options,
    IServiceProvider services) : Grain, ITaskGrain, IRemindable
{
    private const string DeadlineReminder = "deadline";
    private const int MaxLogLines = 1000;

    private readonly TaskCompletionSource _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _executorCancel;
    private Task? _driver;
    private IDisposable? _deadlineTimer;

    private TaskState Current => state.State;

    private bool IsFinal => Current.Status.IsFinal();

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

        ArmDeadlineTimer();
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
            Status = TaskStatus.Pending,
            Created = now,
            Deadline = now + submission.Timeout,
            Attempt = 1,
        };
        await state.WriteStateAsync();
        await RegisterOrUpdateReminderAsync(DeadlineReminder, submission.Timeout, options.Value.RecoveryInterval);
        ArmDeadlineTimer();
        StartExecutor();
        return View()!;
    }

    /// <inheritdoc />
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
    public Task<TaskDecision> GetDecisionAsync() => Task.FromResult(
        Current.Committing || Current.Status == TaskStatus.Completed ? TaskDecision.Commit
        : Current.Status == TaskStatus.RollingBack || IsFinal ? TaskDecision.Abort
        : TaskDecision.Undecided);

    /// <inheritdoc />
    public async Task<TaskView?> CancelAsync()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        if (!IsFinal && !Current.Committing)
        {
            await BeginRollbackAsync(TaskStatus.Cancelled, new TaskError(ErrorCodes.Cancelled, "The task was cancelled before it committed; nothing was changed."));
        }

        return View();
    }

    /// <inheritdoc />
    public async Task<bool> MarkRunningAsync()
    {
        if (Current.Status == TaskStatus.Running)
        {
            return true;
        }

        if (Current.Status != TaskStatus.Pending)
        {
            return false;
        }

        Current.Status = TaskStatus.Running;
        Current.Started = TimeProvider.GetUtcNow();
        await state.WriteStateAsync();
        return true;
    }

    /// <inheritdoc />
    public async Task AppendLogAsync(IReadOnlyList<TaskLogLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        Current.Logs.AddRange(lines.Take(MaxLogLines - Current.Logs.Count));
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task AddRevertAsync(RevertRecord revert)
    {
        if (Current.Status != TaskStatus.Running)
        {
            throw new TaskFailedException(ErrorCodes.Cancelled, $"Task {GrainKey} is {Current.Status}; it takes no new side effects.");
        }

        Current.Reverts.Add(revert);
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task<bool> DecideCommitAsync(JsonElement? result)
    {
        if (Current.Status != TaskStatus.Running || TimeProvider.GetUtcNow() >= Current.Deadline)
        {
            return false;
        }

        Current.Committing = true;
        Current.Result = result;
        await state.WriteStateAsync();
        return true;
    }

    /// <inheritdoc />
    public async Task CompleteAsync()
    {
        if (Current.Status != TaskStatus.Running || !Current.Committing)
        {
            return;
        }

        Current.Status = TaskStatus.Completed;
        Current.Completed = TimeProvider.GetUtcNow();
        await state.WriteStateAsync();
        await BecameFinalAsync();
    }

    /// <inheritdoc />
    public Task FailAsync(TaskStatus status, TaskError error) =>
        Current.Committing ? Task.CompletedTask : BeginRollbackAsync(status, error);

    /// <inheritdoc />
    public async Task FinishRollbackAsync(TaskError? revertError)
    {
        if (Current.Status != TaskStatus.RollingBack)
        {
            return;
        }

        Current.Status = revertError is null ? Current.RollbackTarget : TaskStatus.RollbackFailed;
        Current.Error = revertError ?? Current.Error;
        Current.Completed = TimeProvider.GetUtcNow();
        await state.WriteStateAsync();
        await BecameFinalAsync();
    }

    /// <inheritdoc />
    public Task ReceiveReminderAsync(string reminderName, ReminderTick tick) => OnDeadlineAsync();

    private async Task OnDeadlineAsync()
    {
        if (!state.RecordExists)
        {
            await UnregisterReminderAsync(DeadlineReminder);
            return;
        }

        if (IsFinal)
        {
            await UnregisterReminderAsync(DeadlineReminder);
            return;
        }

        if (Current.Committing || Current.Status == TaskStatus.RollingBack)
        {
            if (_driver is null || _driver.IsCompleted)
            {
                await RecoverAsync();
            }

            return;
        }

        if (TimeProvider.GetUtcNow() >= Current.Deadline)
        {
            await BeginRollbackAsync(TaskStatus.TimedOut, new TaskError(ErrorCodes.TimedOut, $"The task did not finish within its timeout of {Current.Submission!.Timeout.TotalSeconds:0.###} s; nothing was changed."));
        }
    }

    private async Task RecoverAsync()
    {
        if (Current.Committing)
        {
            StartCommitDriver();
        }
        else if (Current.Status == TaskStatus.RollingBack)
        {
            StartRollbackDriver();
        }
        else
        {
            // Pending or Running in a new activation: the executor died with its silo before the decision.
            await BeginRollbackAsync(TaskStatus.Failed, new TaskError(ErrorCodes.SiloLost, "The silo running the task stopped before the task decided to commit; it was rolled back."));
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
        await state.WriteStateAsync();
        if (_executorCancel is not null)
        {
            await _executorCancel.CancelAsync();
        }

        StartRollbackDriver();
    }

    private async Task BecameFinalAsync()
    {
        _deadlineTimer?.Dispose();
        _final.TrySetResult();
        await UnregisterReminderAsync(DeadlineReminder);
    }

    private void ArmDeadlineTimer()
    {
        var delay = Current.Deadline - TimeProvider.GetUtcNow();
        _deadlineTimer?.Dispose();
        _deadlineTimer = RegisterTimer(_ => OnDeadlineAsync(), delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void StartExecutor()
    {
        _executorCancel = new CancellationTokenSource();
        var executor = new TaskExecutor(
            GrainKey,
            Current.Submission!,
            Current.Deadline,
            Current.Deadline + options.Value.CommitGrace,
            handlers.Get(Current.Submission!.Topic, Current.Submission.Subtype),
            GrainFactory,
            faults,
            TimeProvider,
            services);
        var cancel = _executorCancel.Token;
        _driver = RunDetachedAsync(stopping => executor.RunAsync(cancel, stopping));
    }

    private void StartCommitDriver()
    {
        var executor = CreateDriver();
        _driver = RunDetachedAsync(executor.CommitAllAsync);
    }

    private void StartRollbackDriver()
    {
        var executor = CreateDriver();
        var reverts = Current.Reverts.ToList();
        _driver = RunDetachedAsync(stopping => executor.RollBackAsync(reverts, handlers, stopping));
    }

    private TaskExecutor CreateDriver() =>
        new(GrainKey, Current.Submission!, Current.Deadline, Current.Deadline + options.Value.CommitGrace, handler: null, GrainFactory, faults, TimeProvider, services);

    private TaskView? View()
    {
        if (!state.RecordExists || Current.Submission is not { } submission)
        {
            return null;
        }

        return new TaskView(
            GrainKey,
            submission.Topic,
            submission.Subtype,
            submission.Source,
            submission.Payload,
            submission.Documents,
            Current.Status,
            Current.Status == TaskStatus.Completed ? Current.Result : null,
            Current.Error,
            Current.Attempt,
            Current.Created,
            Current.Started,
            Current.Completed,
            Current.Deadline,
            [.. Current.Logs]);
    }
}
