using System.Text.Json;
using Microsoft.Extensions.Options;
using Stackl.Contracts;
using Stackl.Runtime;
using Stackl.Tasks.History;
using Stackl.Tasks.Tasks;

namespace Stackl.Tasks.Documents;

/// <summary>A document grain: locks for one task at a time, stages, commits into history, and resolves expired locks.</summary>
public sealed class DocumentGrain(
    [PersistentState("document")] IPersistentState<DocumentState> state,
    IDocumentHistoryStore history,
    IOptions<TaskOptions> options) : Grain, IDocumentGrain
{
    // Tasks waiting for the lock, first come first served; in memory because waiters poll again after a crash.
    private readonly List<(string TaskId, DateTimeOffset LeaseUntil)> _waiters = [];

    private DocumentState Document => state.State;

    /// <inheritdoc />
    public Task<DocumentView> ReadAsync() => Task.FromResult(new DocumentView(GrainKey, Document.Version, Document.Value, Document.Owner));

    /// <inheritdoc />
    public async Task<DocumentLockResult> LockAsync(string taskId, DateTimeOffset leaseUntil)
    {
        var now = TimeProvider.GetUtcNow();
        if (Document.Owner == taskId)
        {
            return Granted();
        }

        if (Document.Owner is not null && Document.LeaseUntil < now)
        {
            await ResolveExpiredLockAsync();
        }

        _waiters.RemoveAll(w => w.LeaseUntil < now);
        if (Document.Owner is null && (_waiters.Count == 0 || _waiters[0].TaskId == taskId))
        {
            _waiters.RemoveAll(w => w.TaskId == taskId);
            Document.Owner = taskId;
            Document.LeaseUntil = leaseUntil;
            Document.HasStaged = false;
            Document.Staged = null;
            await state.WriteStateAsync();
            return Granted();
        }

        if (!_waiters.Exists(w => w.TaskId == taskId))
        {
            _waiters.Add((taskId, leaseUntil));
        }

        return new DocumentLockResult(false, Document.Owner, Document.Version, null);

        DocumentLockResult Granted() => new(true, taskId, Document.Version, Document.Value);
    }

    /// <inheritdoc />
    public async Task StageAsync(string taskId, JsonElement? value)
    {
        if (Document.Owner != taskId)
        {
            throw new InvalidOperationException($"Task {taskId} stages document {GrainKey} without holding its lock (held by {Document.Owner ?? "nobody"}).");
        }

        Document.HasStaged = true;
        Document.Staged = value;
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task CommitAsync(string taskId)
    {
        if (Document.Owner != taskId)
        {
            return;
        }

        await ApplyCommitAsync();
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string taskId)
    {
        _waiters.RemoveAll(w => w.TaskId == taskId);
        if (Document.Owner != taskId)
        {
            return;
        }

        Unlock();
        await state.WriteStateAsync();
    }

    private async Task ApplyCommitAsync()
    {
        var owner = Document.Owner!;
        if (Document.HasStaged)
        {
            var version = Document.Version + 1;
            // History first, insert-if-absent: a crash before the state write re-drives the same version without duplicating it.
            await history.AppendAsync(new HistoryEntry(GrainKey, version, owner, Document.Staged, TimeProvider.GetUtcNow()));
            Document.Version = version;
            Document.Value = Document.Staged;
        }

        Unlock();
        await state.WriteStateAsync();
    }

    /// <summary>The owner's lease ran out: ask it whether it decided to commit (then finish its commit) or not (then discard).</summary>
    private async Task ResolveExpiredLockAsync()
    {
        var owner = GrainFactory.GetGrain<ITaskGrain>(Document.Owner!);
        var decision = await owner.GetDecisionAsync().WaitAsync(options.Value.CommitGrace);
        if (decision == TaskDecision.Commit)
        {
            await ApplyCommitAsync();
        }
        else
        {
            Unlock();
            await state.WriteStateAsync();
        }
    }

    private void Unlock()
    {
        Document.Owner = null;
        Document.LeaseUntil = null;
        Document.HasStaged = false;
        Document.Staged = null;
    }
}
