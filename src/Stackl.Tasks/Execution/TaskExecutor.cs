using System.Diagnostics;
using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Diagnostics;
using Stackl.Tasks.Documents;
using Stackl.Tasks.Flows;
using Stackl.Tasks.Handlers;

namespace Stackl.Tasks.Execution;

/// <summary>The work of one task outside its grain's turn: take locks in key order, run the handler, commit; or roll back, or recover.</summary>
/// <remarks>
/// It touches no grain state: everything it learns goes back to the task grain through grain calls. A crash (the silo stops, or an
/// injected fault) simply ends it: the task's deadline reminder recovers the task in its next activation.
/// </remarks>
internal sealed class TaskExecutor(
    string taskId,
    TaskSubmission submission,
    DateTimeOffset deadline,
    TaskEnvironment environment,
    IGrainFactory grains)
{
    // A document hands its lock over with a signal; this recheck only bounds the cost of a lost signal.
    private static readonly TimeSpan s_lockRecheck = TimeSpan.FromMilliseconds(250);

    // Grain references are kept: Orleans 10.4.2 builds each one by reflection, a few percent of a task's CPU when asked per call.
    private readonly Dictionary<string, IDocumentGrain> _documents = new(StringComparer.Ordinal);
    private ITaskExecutionGrain? _self;

    private ITaskExecutionGrain Self => _self ??= grains.GetGrain<ITaskExecutionGrain>(taskId);

    private TimeProvider TimeProvider => environment.TimeProvider;

    private DateTimeOffset LeaseUntil => deadline + environment.Options.CommitGrace;

    /// <summary>Runs the task: locks, handler, then the cheapest commit the laws allow.</summary>
    /// <remarks>
    /// Nothing staged: the task completes. One document written and no result: that document's commit is the commit point (one write).
    /// Otherwise two-phase: stage everywhere, write the decision record, commit everywhere.
    /// </remarks>
    /// <param name="handler">The task's handler.</param>
    /// <param name="firstLock">The lock request for the first document that the task grain already sent, or null to ask here.</param>
    /// <param name="cancelled">Cancelled when the task is cancelled (its rollback is then running).</param>
    /// <param name="siloStopping">Cancelled when the silo stops.</param>
    /// <param name="log">Where the handler's log lines wait until the task stores them.</param>
    /// <param name="flowStart">A flow's steps and subflows as stored when this run started.</param>
    /// <param name="progress">Where a flow shows its steps' live state, or null for a task that is not a flow.</param>
    public async Task RunAsync(
        ITaskHandler handler,
        Task<DocumentLockResult>? firstLock,
        CancellationToken cancelled,
        CancellationToken siloStopping,
        TaskLogBuffer log,
        FlowStart flowStart,
        FlowProgress? progress)
    {
        using var run = StartActivity("stackl.task.run", ActivityKind.Consumer);
        run?.SetTag(TaskTelemetry.TopicTag, submission.Topic).SetTag(TaskTelemetry.SubtypeTag, submission.Subtype);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancelled, siloStopping);
        var remaining = deadline - TimeProvider.GetUtcNow();
        linked.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        var token = linked.Token;
        var held = new List<string>();

        // Once the commit is decided (or the silo is gone) the locks belong to the commit or to recovery, not to this method.
        var settled = false;
        TaskContext? context = null;
        try
        {
            var committed = new Dictionary<string, (long, JsonElement?)>(StringComparer.Ordinal);
            foreach (var key in submission.Documents)
            {
                // Counted as held before asking: a lock request may queue this task, and only its own release takes it out again.
                held.Add(key);
                committed[key] = await AcquireAsync(key, held.Count == 1 ? firstLock : null, token);
            }

            environment.Faults.Hit(FaultPoint.AfterLock, taskId);
            context = new TaskContext(taskId, submission, deadline, committed, Self, environment, TimeProvider, log, token) { FlowStart = flowStart, Progress = progress };
            JsonElement? result;
            using (StartActivity("stackl.task.execute"))
            {
                result = await handler.ExecuteAsync(context);
            }

            token.ThrowIfCancellationRequested();
            var outcome = new TaskOutcome(result?.Clone(), context.TakeLog());
            var written = context.Staged;
            using var commit = StartActivity("stackl.task.commit");
            commit?.SetTag(TaskTelemetry.CommitModeTag, written.Count == 0 ? "none" : written.Count == 1 && outcome.Result is null ? "one-phase" : "two-phase");
            if (written.Count == 0)
            {
                settled = await Self.CompleteAsync(outcome);
                if (settled)
                {
                    await ReleaseAsync(held);
                }
            }
            else if (written.Count == 1 && outcome.Result is null)
            {
                settled = await CommitOnePhaseAsync(written.Single(), outcome, held);
            }
            else
            {
                await Task.WhenAll(written.Select(w => StageAsync(w.Key, w.Value)));
                environment.Faults.Hit(FaultPoint.AfterStaging, taskId);
                settled = await OutcomeUnknownOnFailure(Self.DecideCommitAsync(outcome));
                if (settled)
                {
                    environment.Faults.Hit(FaultPoint.AfterDecision, taskId);
                    await CommitAllAsync(siloStopping);
                }
            }
        }
        catch (Exception exception) when (IsCrash(exception, siloStopping))
        {
            settled = true;
            run?.SetStatus(ActivityStatusCode.Error, "the silo stopped; the task recovers in its next activation");
        }
        catch (CommitOutcomeUnknownException)
        {
            // The commit point may have been written, or the one document may have committed: neither release nor roll back
            // here. The task's next reminder tick starts its recovery, which asks the task and its documents what happened.
            settled = true;
            run?.SetStatus(ActivityStatusCode.Error, "the commit's outcome is unknown; the task's recovery settles it");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Cancelled by the task grain: its rollback is already running. Otherwise the deadline passed here first.
            if (!cancelled.IsCancellationRequested)
            {
                run?.SetStatus(ActivityStatusCode.Error, TimedOutError().Message);
                await TryAsync(() => Self.FailAsync(TaskStatus.TimedOut, TimedOutError(), context?.TakeLog() ?? []), siloStopping);
            }
            else
            {
                run?.SetStatus(ActivityStatusCode.Error, "cancelled");
            }
        }
        catch (TaskFailedException failure)
        {
            run?.SetStatus(ActivityStatusCode.Error, failure.Message);
            await TryAsync(() => Self.FailAsync(TaskStatus.Failed, new TaskError(failure.Code, failure.Message), context?.TakeLog() ?? []), siloStopping);
        }
        catch (Orleans.Storage.InconsistentStateException stale)
        {
            // The storage fenced off a stale activation (it has deactivated); the next activation reads what the other wrote.
            var error = new TaskError(ErrorCodes.StaleActivation, $"{stale.Message} Two silos ran the same document at once (a membership change or a partition); this task was rolled back and may be submitted again.");
            run?.SetStatus(ActivityStatusCode.Error, error.Message);
            await TryAsync(() => Self.FailAsync(TaskStatus.Failed, error, context?.TakeLog() ?? []), siloStopping);
        }
#pragma warning disable CA1031 // Any handler exception fails the task with its message; nothing may escape the executor.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            run?.SetStatus(ActivityStatusCode.Error, exception.Message);
            await TryAsync(() => Self.FailAsync(TaskStatus.Failed, new TaskError(ErrorCodes.HandlerFailed, $"{exception.GetType().Name}: {exception.Message}"), context?.TakeLog() ?? []), siloStopping);
        }
        finally
        {
            if (!settled)
            {
                // A lock or a queue place this executor got after a rollback released the documents would otherwise wait for its lease:
                // only this executor's own release comes after its last lock request.
                await TryAsync(() => ReleaseAsync(held), siloStopping);
            }
        }
    }

    /// <summary>Commits every document of a task whose decision record is written, then completes the task; re-driven after a crash.</summary>
    public async Task CommitAllAsync(CancellationToken siloStopping)
    {
        // Within a run this is part of its commit span; after a crash it is a span of its own in the submit's trace.
        using var activity = Activity.Current is null ? StartActivity("stackl.task.commit") : null;
        activity?.SetTag(TaskTelemetry.CommitModeTag, "two-phase");
        await TryAsync(
            async () =>
            {
                var documents = submission.Documents;
                if (documents.Count > 0)
                {
                    await Document(documents[0]).CommitAsync(taskId);
                    if (documents.Count > 1)
                    {
                        environment.Faults.Hit(FaultPoint.BetweenCommits, taskId);
                        await Task.WhenAll(documents.Skip(1).Select(key => Document(key).CommitAsync(taskId)));
                    }
                }

                await Self.CompleteAsync(TaskOutcome.Empty);
            },
            siloStopping);
    }

    /// <summary>Releases every document (discarding staged values), runs revert actions newest first, and ends the rollback.</summary>
    /// <remarks>Each revert that ran is stored before the next starts, so a rollback resumed after a crash repeats at most the one that was running.</remarks>
    /// <param name="reverts">The task's revert actions, oldest first.</param>
    /// <param name="done">How many of them (from the newest) already ran.</param>
    /// <param name="siloStopping">Cancelled when the silo stops.</param>
    public async Task RollBackAsync(IReadOnlyList<RevertRecord> reverts, int done, CancellationToken siloStopping)
    {
        using var activity = StartActivity("stackl.task.rollback");
        await TryAsync(
            async () =>
            {
                await ReleaseAsync(submission.Documents);
                environment.Faults.Hit(FaultPoint.DuringRevert, taskId);
                TaskError? revertError = null;
                string? failedStep = null;
                for (var i = reverts.Count - 1 - done; i >= 0; i--)
                {
                    var revert = reverts[i];
                    var log = new TaskLogBuffer(0);
                    try
                    {
                        await FlowStepRevert.RunAnyAsync(revert, RevertContext(log, siloStopping), log, siloStopping);
                    }
#pragma warning disable CA1031 // A failing revert is recorded on the task (RollbackFailed), never dropped.
                    catch (Exception exception) when (!IsCrash(exception, siloStopping))
#pragma warning restore CA1031
                    {
                        var notUndone = reverts.Take(i + 1).Select(r => r.Step).OfType<string>().Distinct(StringComparer.Ordinal).Reverse().ToList();
                        revertError = new TaskError(ErrorCodes.RollbackFailed, revert.Step is { } step
                            ? $"The revert of step '{step}' failed: {exception.Message}. Steps not undone: {string.Join(", ", notUndone)}; their side effects may still be in place and need a person."
                            : $"Revert action {i + 1} of {reverts.Count} ({revert.Kind}) failed: {exception.Message}. Its side effect may still be in place and needs a person.");
                        failedStep = revert.Step;
                        activity?.SetStatus(ActivityStatusCode.Error, revertError.Message);
                        break;
                    }

                    await Self.RevertDoneAsync(reverts.Count - i, revert.Step, log.Snapshot());
                    if (i > 0)
                    {
                        environment.Faults.Hit(FaultPoint.BetweenReverts, taskId);
                    }
                }

                await Self.FinishRollbackAsync(revertError, failedStep);
            },
            siloStopping);
    }

    // A flow step's revert runs its handler with no documents (the rollback has released them) and the silo's stop as its cancellation.
    private TaskContext RevertContext(TaskLogBuffer log, CancellationToken siloStopping) =>
        new(taskId, submission, deadline, [], Self, environment, TimeProvider, log, siloStopping);

    /// <summary>For a running task whose executor died: asks each document whether the task committed there (a one-phase commit).</summary>
    public async Task RecoverAsync(CancellationToken siloStopping)
    {
        using var activity = StartActivity("stackl.task.recover");
        await TryAsync(
            async () =>
            {
                var committed = false;
                foreach (var key in submission.Documents)
                {
                    if (await Document(key).WasCommittedByAsync(taskId))
                    {
                        committed = true;
                        break;
                    }
                }

                await Self.FinishRecoveryAsync(committed);
            },
            siloStopping);
    }

    private static bool IsCrash(Exception exception, CancellationToken siloStopping) =>
        exception is InjectedFaultException or SiloUnavailableException || siloStopping.IsCancellationRequested;

    private static async Task<bool> OutcomeUnknownOnFailure(Task<bool> commitPoint)
    {
        try
        {
            return await commitPoint;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new CommitOutcomeUnknownException(exception);
        }
    }

    private async Task<bool> CommitOnePhaseAsync(KeyValuePair<string, JsonElement?> write, TaskOutcome outcome, List<string> held)
    {
        if (!await Self.BeginOnePhaseCommitAsync())
        {
            return false;
        }

        environment.Faults.Hit(FaultPoint.AfterStaging, taskId);
        if (!await OutcomeUnknownOnFailure(Document(write.Key).CommitValueAsync(taskId, write.Value)))
        {
            await Self.FailAsync(TaskStatus.Failed, LockLost(write.Key), outcome.Logs);
            return false;
        }

        environment.Faults.Hit(FaultPoint.AfterDecision, taskId);
        await Self.CompleteAsync(outcome);
        await ReleaseAsync(held.Where(key => key != write.Key));
        return true;
    }

    private async Task<(long, JsonElement?)> AcquireAsync(string key, Task<DocumentLockResult>? requested, CancellationToken token)
    {
        using var activity = StartActivity("stackl.task.lock");
        activity?.SetTag(TaskTelemetry.DocumentKeyTag, key);
        var document = Document(key);
        var started = TimeProvider.GetTimestamp();
        var queued = false;
        while (true)
        {
            var result = await (requested ?? document.LockAsync(taskId, LeaseUntil));
            requested = null;
            if (result.Granted)
            {
                var waited = TimeProvider.GetElapsedTime(started);
                environment.Metrics.LockWaited(waited);
                if (queued)
                {
                    TasksLog.LockWaited(environment.Logger, taskId, key, waited.TotalMilliseconds);
                }

                return (result.Version, result.Value);
            }

            queued = true;

            await environment.LockSignals.WaitAsync(taskId, key, s_lockRecheck, TimeProvider, token);
        }
    }

    private async Task StageAsync(string key, JsonElement? value)
    {
        if (!await Document(key).StageAsync(taskId, value))
        {
            throw new TaskFailedException(ErrorCodes.LockLost, LockLost(key).Message);
        }
    }

    private Task ReleaseAsync(IEnumerable<string> keys) => Task.WhenAll(keys.Select(key => Document(key).ReleaseAsync(taskId)));

    private IDocumentGrain Document(string key)
    {
        lock (_documents)
        {
            if (!_documents.TryGetValue(key, out var document))
            {
                document = grains.GetGrain<IDocumentGrain>(key);
                _documents[key] = document;
            }

            return document;
        }
    }

    private Activity? StartActivity(string name, ActivityKind kind = ActivityKind.Internal) =>
        TaskTelemetry.StartTaskActivity(name, taskId, submission.TraceParent, kind);

    private TaskError TimedOutError() =>
        new(ErrorCodes.TimedOut, $"The task did not finish within its timeout of {submission.Timeout.TotalSeconds:0.###} s; nothing was changed.");

    private TaskError LockLost(string key) =>
        new(ErrorCodes.LockLost, $"The task lost its lock on {key} (the lock's lease ran out before the commit); nothing was changed.");

    /// <summary>Runs a step whose failure the deadline reminder repairs: a crash ends it quietly, anything else is logged.</summary>
    private async Task TryAsync(Func<Task> step, CancellationToken siloStopping)
    {
        try
        {
            await step();
        }
        catch (Exception exception) when (IsCrash(exception, siloStopping))
        {
            // The next activation of the task recovers it.
        }
#pragma warning disable CA1031 // The reminder re-drives the task; an exception here must not go unobserved.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            TasksLog.DriverFailed(environment.Logger, exception, taskId);
        }
    }
}

/// <summary>The call that writes a task's commit point failed without saying whether the write landed.</summary>
internal sealed class CommitOutcomeUnknownException(Exception innerException)
    : Exception("The commit point's write failed without an answer; the task's recovery finds out whether it landed.", innerException);
