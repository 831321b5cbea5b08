using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Stackl.Tasks.Queries;

namespace Stackl.Tasks.Execution;

/// <summary>After the silo started, wakes every task the database holds as not final, so tasks whose executor died with the previous process recover at once.</summary>
/// <remarks>
/// Without it a task still recovers, but only when its deadline reminder fires. Waking a task that is alive does nothing: its activation answers.
/// Needs an <see cref="ITaskIndex"/> (a SQLite or PostgreSQL silo); without one it does nothing.
/// </remarks>
internal sealed class TaskRecoveryService(IServiceProvider services, IGrainFactory grains, ILoggerFactory loggerFactory) : IHostedLifecycleService
{
    private const int PageSize = 500;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger("Stackl.Tasks");
    private Task _scan = Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<ITaskIndex>() is { } index)
        {
            _scan = Task.Run(() => WakeUnfinishedAsync(index, _stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _scan.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WakeUnfinishedAsync(ITaskIndex index, CancellationToken cancellationToken)
    {
        var woken = 0;
        try
        {
            foreach (var status in new[] { TaskStatus.Pending, TaskStatus.Running, TaskStatus.RollingBack })
            {
                string? after = null;
                while (true)
                {
                    var page = await index.ListAsync(new TaskQuery(status, After: after, Limit: PageSize), cancellationToken).ConfigureAwait(false);
                    await Task.WhenAll(page.Select(task => grains.GetGrain<ITaskGrain>(task.Id).GetAsync())).ConfigureAwait(false);
                    woken += page.Count;
                    if (page.Count < PageSize)
                    {
                        break;
                    }

                    after = page[^1].Id;
                }
            }

            TasksLog.RecoveryScanFinished(_logger, woken);
        }
        catch (Exception exception) when (cancellationToken.IsCancellationRequested || exception is SiloUnavailableException)
        {
            // The silo stops; the next start scans again.
        }
#pragma warning disable CA1031 // The deadline reminders still recover every task; a failed scan only costs time.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            TasksLog.RecoveryScanFailed(_logger, exception);
        }
    }
}
