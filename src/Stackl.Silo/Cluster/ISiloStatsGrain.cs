using Stackl.Silo.Dashboard;

namespace Stackl.Silo.Cluster;

/// <summary>One silo's recent task counts, for another silo to add up: keyed by the silo's address, it runs on that silo.</summary>
public interface ISiloStatsGrain : IGrainWithStringKey
{
    /// <summary>The silo's raw counts of the window ending with the second <paramref name="untilSecond"/> (Unix time), so every silo counts the same seconds.</summary>
    /// <param name="untilSecond">The window's last second.</param>
    Task<TaskStatsCounts> GetCountsAsync(long untilSecond);
}

/// <summary>The <see cref="ISiloStatsGrain"/> of the silo it was placed on.</summary>
[GrainType("silo-stats")]
[SiloTargetedPlacement]
internal sealed class SiloStatsGrain(TaskStatsWindow window, LocalSilo silo) : Grain, ISiloStatsGrain
{
    public Task<TaskStatsCounts> GetCountsAsync(long untilSecond) => Task.FromResult(window.Counts(silo.Name, untilSecond));
}
