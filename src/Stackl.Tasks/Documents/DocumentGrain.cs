using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Queries;
using Stackl.Tasks.Execution;

namespace Stackl.Tasks.Documents;

/// <summary>A document grain: locks for one task at a time, stages, commits into history, hands the lock to the next waiter, and resolves expired locks.</summary>
[GrainType("document")]
internal sealed class DocumentGrain(
    [PersistentState("document", TaskStorageNames.Documents)] IPersistentState<DocumentState> state,
    IDocumentIndex history,
    TaskEnvironment environment) : StacklGrain, IDocumentGrain
{
    // Tasks waiting for the lock, first come first served. In memory: after a crash the waiters ask again.
    private readonly List<(string TaskId, DateTimeOffset LeaseUntil)> _waiters = [];

    // The waiter granted the lock by the write in progress; told once the write is durable.
    private string? _pendingHandOver;

    private DocumentState Document => state.State;

    private TimeProvider TimeProvider => environment.TimeProvider;

    /// <inheritdoc />
    public Task<DocumentView> ReadAsync() => Task.FromResult(new DocumentView(GrainKey, Document.Version, Document.Value, Document.Owner));

    /// <inheritdoc />
    public async Task<DocumentLockResult> LockAsync(string taskId, DateTimeOffset leaseUntil)
    {
        if (Document.Owner == taskId)
        {
            return Granted(taskId);
        }

        var now = TimeProvider.GetUtcNow();
        if (Document.Owner is { } owner && Document.LeaseUntil < now)
        {
            await ResolveExpiredLockAsync(owner);
        }

        _waiters.RemoveAll(w => w.LeaseUntil < now);
        if (Document.Owner is null && (_waiters.Count == 0 || _waiters[0].TaskId == taskId))
        {
            _waiters.RemoveAll(w => w.TaskId == taskId);
            Document.Owner = taskId;
            Document.LeaseUntil = leaseUntil;
            await WriteAsync();
            return Granted(taskId);
        }

        if (Document.Owner == taskId)
        {
            // The expired lock was handed to this task as the first waiter.
            return Granted(taskId);
        }

        if (!_waiters.Exists(w => w.TaskId == taskId))
        {
            _waiters.Add((taskId, leaseUntil));
            KeepAlive = true;
        }

        return new DocumentLockResult(false, Document.Owner, Document.Version, null);
    }

    /// <inheritdoc />
    public async Task<bool> StageAsync(string taskId, JsonElement? value)
    {
        if (Document.Owner != taskId)
        {
            return false;
        }

        Document.HasStaged = true;
        Document.Staged = value;
        await WriteAsync();
        return true;
    }

    /// <inheritdoc />
    public async Task CommitAsync(string taskId)
    {
        if (Document.Owner == taskId)
        {
            await CommitAndUnlockAsync();
        }
    }

    /// <inheritdoc />
    public async Task<bool> CommitValueAsync(string taskId, JsonElement? value)
    {
        if (Document.Owner != taskId)
        {
            return false;
        }

        Document.HasStaged = true;
        Document.Staged = value;
        await CommitAndUnlockAsync();
        environment.Faults.Hit(FaultPoint.OnePhaseAnswerLost, taskId);
        return true;
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string taskId)
    {
        _waiters.RemoveAll(w => w.TaskId == taskId);
        if (Document.Owner != taskId)
        {
            KeepAlive = Document.Owner is not null || _waiters.Count > 0;
            return;
        }

        UnlockAndHandOver();
        await WriteAsync();
    }

    /// <inheritdoc />
    public async Task<bool> WasCommittedByAsync(string taskId)
    {
        if (Document.CommittedBy == taskId)
        {
            return true;
        }

        if (Document.Owner == taskId || Document.Version == 0)
        {
            return false;
        }

        // A later task may have committed since: the history says whether this one did.
        return await history.WasCommittedByAsync(GrainKey, taskId);
    }

    /// <inheritdoc />
    public async Task ReleaseOrphanedLockAsync(OrphanedLock orphaned)
    {
        ArgumentNullException.ThrowIfNull(orphaned);
        if (Document.Owner != orphaned.Owner)
        {
            // Freed since the sweep read it.
            return;
        }

        // The owner's final status is stored and never changes, so it decides as well as the owner would.
        if (orphaned.OwnerCompleted)
        {
            await CommitAndUnlockAsync();
        }
        else
        {
            UnlockAndHandOver();
            await WriteAsync();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetWaitingAsync() => Task.FromResult<IReadOnlyList<string>>([.. _waiters.Select(w => w.TaskId)]);

    private DocumentLockResult Granted(string taskId) => new(true, taskId, Document.Version, Document.Value);

    private async Task CommitAndUnlockAsync()
    {
        if (Document.HasStaged)
        {
            Document.Version++;
            Document.Value = Document.Staged;
            Document.CommittedBy = Document.Owner;
            Document.CommittedAt = TimeProvider.GetUtcNow();
        }

        UnlockAndHandOver();
        await WriteAsync();
    }

    /// <summary>The owner's lease ran out: ask it whether it decided to commit (then finish its commit) or not (then discard).</summary>
    private async Task ResolveExpiredLockAsync(string owner)
    {
        TaskDecision decision;
        try
        {
            // The stored state decides: an activation of the owner may be stale (a partition) or ahead of its own write.
            decision = environment.Services.GetService(typeof(ITaskIndex)) is ITaskIndex tasks
                ? await tasks.GetStoredDecisionAsync(owner).WaitAsync(environment.Options.CommitGrace, TimeProvider)
                : await GrainFactory.GetGrain<ITaskExecutionGrain>(owner).GetDecisionAsync().WaitAsync(environment.Options.CommitGrace, TimeProvider);
        }
#pragma warning disable CA1031 // Without the owner's decision the lock must stay: discarding a decided commit would break atomicity.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            TasksLog.LockResolutionFailed(environment.Logger, exception, GrainKey, owner);
            return;
        }

        if (decision == TaskDecision.Commit)
        {
            await CommitAndUnlockAsync();
        }
        else
        {
            UnlockAndHandOver();
            await WriteAsync();
        }
    }

    /// <summary>Frees the lock and, in the same write, grants it to the first waiter whose lease still runs.</summary>
    private void UnlockAndHandOver()
    {
        Document.Owner = null;
        Document.LeaseUntil = null;
        Document.HasStaged = false;
        Document.Staged = null;
        var now = TimeProvider.GetUtcNow();
        _waiters.RemoveAll(w => w.LeaseUntil < now);
        if (_waiters.Count == 0)
        {
            return;
        }

        var (next, leaseUntil) = _waiters[0];
        _waiters.RemoveAt(0);
        Document.Owner = next;
        Document.LeaseUntil = leaseUntil;
        _pendingHandOver = next;
    }

    private async Task WriteAsync()
    {
        await WriteOrForgetAsync(state);
        KeepAlive = Document.Owner is not null || _waiters.Count > 0;
        if (_pendingHandOver is { } next)
        {
            _pendingHandOver = null;

            // Not awaited: the waiter's executor asks for the lock again when woken, so a lost signal only costs a recheck.
            _ = GrainFactory.GetGrain<ITaskExecutionGrain>(next).LockGrantedAsync(GrainKey).ContinueWith(
                static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}
