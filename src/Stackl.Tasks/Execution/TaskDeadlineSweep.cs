using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Stackl.Tasks.Diagnostics;
using Stackl.Tasks.Documents;
using Stackl.Tasks.Queries;

namespace Stackl.Tasks.Execution;

/// <summary>
/// The durable side of deadlines: every silo looks in the task table for unfinished tasks whose silo was declared dead or whose
/// deadline passed, and wakes them, so they finish their commit, roll back or time out wherever they activate.
/// </summary>
/// <remarks>
/// It sweeps when the silo has started (tasks of the previous process), whenever the membership changes (a silo declared dead), and
/// every <see cref="TaskOptions.RecoveryInterval"/>. A task whose silo lives keeps its deadline with its own timer, which also drives
/// it again every recovery interval; the sweep finds it when its activation left memory unfinished (noted by this silo) or its
/// deadline passed unnoticed. Waking a task that is alive does nothing but answer. This replaces a reminder per task (two
/// reminder-table writes and a reminder-service timer each): the task row carries its deadline and silo, in an index that holds only
/// unfinished tasks. Needs an <see cref="ITaskIndex"/> (a SQLite or PostgreSQL silo); without one it does nothing.
/// </remarks>
internal sealed class TaskDeadlineSweep(
    IServiceProvider services,
    IGrainFactory grains,
    IClusterMembershipService membership,
    IOptions<TaskOptions> options,
    TaskEnvironment environment,
    TaskMetrics metrics,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : IHostedLifecycleService
{
    private const int PageSize = 500;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger("Stackl.Tasks");
    private readonly SemaphoreSlim _membershipChanged = new(0, 1);
    private Task _sweeps = Task.CompletedTask;
    private Task _watch = Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<ITaskIndex>() is { } index)
        {
            var documents = services.GetService<IDocumentIndex>();
            _watch = Task.Run(() => WatchMembershipAsync(_stopping.Token), CancellationToken.None);
            _sweeps = Task.Run(() => SweepForeverAsync(index, documents, _stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_sweeps, _watch).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Wakes every stranded task once; returns how many it woke.</summary>
    /// <param name="index">The task table.</param>
    /// <param name="documents">The document table, for locks final tasks left behind (none: not looked for).</param>
    /// <param name="first">True for the sweep after the silo started: it also wakes the tasks of every silo the membership does not know as live
    /// (a previous process of an embedded silo is in no membership), which later sweeps leave alone until their deadline, as a silo of
    /// another cluster on the same database may run them.</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    private async Task<int> SweepAsync(ITaskIndex index, IDocumentIndex? documents, bool first, CancellationToken cancellationToken)
    {
        var members = membership.CurrentSnapshot.Members.Values;
        var dead = members.Where(member => member.Status == SiloStatus.Dead).Select(member => member.SiloAddress.ToParsableString()).ToList();
        var live = first ? members.Where(member => member.Status != SiloStatus.Dead).Select(member => member.SiloAddress.ToParsableString()).ToList() : null;

        // A task of a live silo is left to its own timer for one more interval past its deadline: its rollback may be running.
        var overdueBefore = timeProvider.GetUtcNow() - options.Value.RecoveryInterval;

        // Tasks this silo let go of unfinished (their activation left memory after a failed write) come first.
        var leftHere = environment.TakeLeftUnfinished();
        await Task.WhenAll(leftHere.Select(WakeLeftHereAsync)).ConfigureAwait(false);
        var woken = leftHere.Count;
        string? after = null;
        while (true)
        {
            var page = await index.ListStrandedAsync(new StrandedTaskQuery(overdueBefore, dead, live, after, PageSize), cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(page.Select(id => grains.GetGrain<ITaskExecutionGrain>(id).CheckDeadlineAsync())).ConfigureAwait(false);
            woken += page.Count;
            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1];
        }

        if (woken > 0)
        {
            metrics.Swept(woken);
            TasksLog.SweepWoke(_logger, woken);
        }

        // A lock outlives its task only when its task ended where the lock's document activation could not hear it (a partition) and
        // nobody asked for the document since its lease ended; the owner's stored final status settles it here.
        if (documents is not null)
        {
            var expired = await documents.ListOrphanedLocksAsync(overdueBefore, PageSize, cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(expired.Select(orphaned => grains.GetGrain<IDocumentGrain>(orphaned.Key).ReleaseOrphanedLockAsync(orphaned))).ConfigureAwait(false);
            if (expired.Count > 0)
            {
                TasksLog.SweepFreedLocks(_logger, expired.Count);
            }
        }

        return woken;
    }

    private async Task WakeLeftHereAsync(string taskId)
    {
        try
        {
            await grains.GetGrain<ITaskExecutionGrain>(taskId).CheckDeadlineAsync().ConfigureAwait(false);
        }
        catch
        {
            // Not woken (its activation failed, say on a storage outage): kept for the next round.
            environment.LeftUnfinished(taskId);
            throw;
        }
    }

    private async Task SweepForeverAsync(ITaskIndex index, IDocumentIndex? documents, CancellationToken cancellationToken)
    {
        var interval = options.Value.RecoveryInterval;
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(index, documents, first, cancellationToken).ConfigureAwait(false);
                first = false;
            }
            catch (Exception exception) when (cancellationToken.IsCancellationRequested || exception is SiloUnavailableException)
            {
                return;
            }
#pragma warning disable CA1031 // The next sweep tries again; a failed sweep (a database outage) only costs time.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                TasksLog.SweepFailed(_logger, exception);
            }

            try
            {
                // Whichever comes first: the interval, or a membership change (a silo declared dead has tasks to bring back now).
                await _membershipChanged.WaitAsync(interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        var dead = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var newlyDead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress)).Any();
                if (newlyDead && _membershipChanged.CurrentCount == 0)
                {
                    _membershipChanged.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo stops.
        }
    }
}
