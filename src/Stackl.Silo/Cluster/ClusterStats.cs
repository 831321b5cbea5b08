using Stackl.Silo.Dashboard;

namespace Stackl.Silo.Cluster;

/// <summary>Adds up the recent task counts of every active silo, asked through Orleans (silos need not know each other's HTTP addresses).</summary>
/// <remarks>
/// Each silo counts the tasks it ran; counts carry latency as histogram bins, so the cluster's percentiles are those of all its
/// tasks, not an average of the silos' percentiles. A silo that does not answer within two seconds is listed as unanswered.
/// </remarks>
internal sealed class ClusterStats(IGrainFactory grains, TimeProvider timeProvider)
{
    private static readonly TimeSpan s_answerWithin = TimeSpan.FromSeconds(2);

    /// <summary>Every active silo's figures and their sum, over the same seconds.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<ClusterStatsView> GetAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var until = now.ToUnixTimeSeconds();
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(cancellationToken);
        var asked = await Task.WhenAll(hosts.Keys.Select(async address =>
        {
            try
            {
                return (Address: address, Counts: await grains.GetGrain<ISiloStatsGrain>(address.ToParsableString()).GetCountsAsync(until).WaitAsync(s_answerWithin, cancellationToken));
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (Address: address, Counts: (TaskStatsCounts?)null);
            }
        }));

        var answered = asked.Where(a => a.Counts is not null).Select(a => a.Counts!).OrderBy(c => c.Silo, StringComparer.Ordinal).ToList();
        var steps = TaskStatsWindow.WindowSeconds / TaskStatsWindow.StepSeconds;
        var lastMinute = answered.Aggregate(TaskStatsSpan.Empty, (sum, c) => sum.Add(c.LastMinute));
        var series = Enumerable.Range(0, steps).Select(i => answered.Aggregate(TaskStatsSpan.Empty, (sum, c) => sum.Add(c.Steps[i]))).ToList();
        return new ClusterStatsView(
            TaskStatsWindow.View(ClusterStatsView.ClusterName, now, until, lastMinute, series),
            [.. answered.Select(c => c.ToView())],
            [.. asked.Where(a => a.Counts is null).Select(a => a.Address.ToString())]);
    }
}

/// <summary>The cluster's recent task figures (<c>GET /api/stats/cluster</c>).</summary>
/// <param name="Cluster">The sum over every silo that answered; its <c>silo</c> is <c>cluster</c>.</param>
/// <param name="Silos">Each answering silo's own figures.</param>
/// <param name="Unanswered">Active silos (by address) that did not answer in time and are not in the sum.</param>
public sealed record ClusterStatsView(TaskStatsView Cluster, IReadOnlyList<TaskStatsView> Silos, IReadOnlyList<string> Unanswered)
{
    /// <summary>The <see cref="TaskStatsView.Silo"/> of the cluster-wide figures.</summary>
    public const string ClusterName = "cluster";
}
