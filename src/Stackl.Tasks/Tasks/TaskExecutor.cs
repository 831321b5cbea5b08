using System.Text.Json;
using Stackl.Contracts;
using Stackl.Runtime;
using Stackl.Tasks.Documents;
using Stackl.Tasks.Handlers;
using TaskStatus = Stackl.Contracts.TaskStatus;

namespace Stackl.Tasks.Tasks;

/// <summary>The work of one task outside its grain's turn: take locks in key order, run the handler, stage, decide, commit; or roll back.</summary>
/// <remarks>It touches no grain state: everything it learns goes back to the task grain through grain calls.</remarks>
internal sealed class TaskExecutor(
    string taskId,
    TaskSubmission submission,
    DateTimeOffset deadline,
    DateTimeOffset leaseUntil,
    ITaskHandler? handler,
    IGrainFactory grains,
    FaultInjector faults,
    TimeProvider timeProvider,
    IServiceProvider services)
{
    private static readonly TimeSpan s_maxLockBackoff = TimeSpan.FromMilliseconds(50);

    private ITaskGrain Self => grains.GetGrain<ITaskGrain>(taskId);

    public async Task RunAsync(CancellationToken cancelled, CancellationToken siloStopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancelled, siloStopping);
        var remaining = deadline - timeProvider.GetUtcNow();
        linked.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        var token = linked.Token;
        var acquired = new List<string>();
        var decided = false;
        TaskContext? context = null;
        try
        {
            if (!await Self.MarkRunningAsync())
            {
                return;
            }

            var committed = new Dictionary<string, (long, JsonElement?)>(StringComparer.Ordinal);
            foreach (var key in submission.Documents)
            {
                committed[key] = await AcquireAsync(key, token);
                acquired.Add(key);
            }

            faults.Hit(FaultPoint.AfterLock, taskId);
            context = new TaskContext(taskId, submission.Payload, deadline, committed, Self, timeProvider, services, token);
            var result = await handler!.ExecuteAsync(context);
            token.ThrowIfCancellationRequested();
            await FlushLogAsync(context);
            foreach (var (key, value) in context.Staged)
            {
                await grains.GetGrain<IDocumentGrain>(key).StageAsync(taskId, value);
            }

            faults.Hit(FaultPoint.AfterStaging, taskId);
            decided = await Self.DecideCommitAsync(result?.Clone());
            if (!decided)
            {
                return;
            }

            faults.Hit(FaultPoint.AfterDecision, taskId);
            await CommitAllAsync(siloStopping);
        }
        catch (Exception exception) when (exception is InjectedFaultException or SiloUnavailableException || siloStopping.IsCancellationRequested)
        {
            // A crash (real or injected): the deadline reminder drives the task to a final status after recovery.
            decided = true;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            await FlushLogAsync(context);
            if (timeProvider.GetUtcNow() >= deadline)
            {
                await Self.FailAsync(TaskStatus.TimedOut, new TaskError(ErrorCodes.TimedOut, $"The task did not finish within its timeout of {submission.Timeout.TotalSeconds:0.###} s; nothing was changed."));
            }
        }
        catch (TaskFailedException failure)
        {
            await FlushLogAsync(context);
            await Self.FailAsync(TaskStatus.Failed, new TaskError(failure.Code, failure.Message));
        }
#pragma warning disable CA1031 // Any handler exception fails the task with its message; nothing may escape the executor.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await FlushLogAsync(context);
            await Self.FailAsync(TaskStatus.Failed, new TaskError(ErrorCodes.HandlerFailed, $"{exception.GetType().Name}: {exception.Message}"));
        }
        finally
        {
            if (!decided)
            {
                // Locks this executor took after a rollback had released the documents would otherwise wait for their lease.
                foreach (var key in acquired)
                {
                    await ReleaseQuietlyAsync(key);
                }
            }
        }
    }

    public async Task CommitAllAsync(CancellationToken siloStopping)
    {
        try
        {
            var first = true;
            foreach (var key in submission.Documents)
            {
                await grains.GetGrain<IDocumentGrain>(key).CommitAsync(taskId);
                if (first && submission.Documents.Count > 1)
                {
                    faults.Hit(FaultPoint.BetweenCommits, taskId);
                }

                first = false;
            }

            await Self.CompleteAsync();
        }
        catch (Exception exception) when (exception is InjectedFaultException or SiloUnavailableException || siloStopping.IsCancellationRequested)
        {
            // The deadline reminder re-drives the commits (they are idempotent).
        }
    }

    public async Task RollBackAsync(IReadOnlyList<RevertRecord> reverts, HandlerRegistry registry, CancellationToken siloStopping)
    {
        try
        {
            foreach (var key in submission.Documents)
            {
                await grains.GetGrain<IDocumentGrain>(key).ReleaseAsync(taskId);
            }

            faults.Hit(FaultPoint.DuringRevert, taskId);
            TaskError? revertError = null;
            for (var i = reverts.Count - 1; i >= 0; i--)
            {
                var revert = reverts[i];
                try
                {
                    var revertHandler = registry.GetRevert(revert.Kind) ?? throw new InvalidOperationException($"No revert handler for kind '{revert.Kind}'.");
                    await revertHandler.RevertAsync(revert.Data, siloStopping);
                }
#pragma warning disable CA1031 // A failing revert is recorded on the task (RollbackFailed), never dropped.
                catch (Exception exception) when (!siloStopping.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    revertError = new TaskError(ErrorCodes.RollbackFailed, $"Revert action {i + 1} ({revert.Kind}) failed: {exception.Message}. The side effect may still be in place; it needs a person.");
                    break;
                }
            }

            await Self.FinishRollbackAsync(revertError);
        }
        catch (Exception exception) when (exception is InjectedFaultException or SiloUnavailableException || siloStopping.IsCancellationRequested)
        {
            // The deadline reminder re-drives the rollback.
        }
    }

    private async Task<(long, JsonElement?)> AcquireAsync(string key, CancellationToken token)
    {
        var document = grains.GetGrain<IDocumentGrain>(key);
        var backoff = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            var result = await document.LockAsync(taskId, leaseUntil);
            if (result.Granted)
            {
                return (result.Version, result.Value);
            }

            await Task.Delay(backoff, timeProvider, token);
            backoff = backoff * 2 < s_maxLockBackoff ? backoff * 2 : s_maxLockBackoff;
        }
    }

    private async Task FlushLogAsync(TaskContext? context)
    {
        if (context is { LogLines.Count: > 0 })
        {
            await Self.AppendLogAsync([.. context.LogLines]);
        }
    }

    private async Task ReleaseQuietlyAsync(string key)
    {
        try
        {
            await grains.GetGrain<IDocumentGrain>(key).ReleaseAsync(taskId);
        }
#pragma warning disable CA1031 // Best effort: the lock's lease frees it anyway.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
