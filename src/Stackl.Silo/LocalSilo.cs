using Orleans.Runtime;

namespace Stackl.Silo;

/// <summary>This silo as the HTTP surface describes it: its name, its Orleans status and its activations.</summary>
public sealed class LocalSilo(ILocalSiloDetails details, ISiloStatusOracle statusOracle, IGrainFactory grains)
{
    /// <summary>The silo's name.</summary>
    public string Name => details.Name;

    /// <summary>The silo's address in the cluster.</summary>
    public SiloAddress Address => details.SiloAddress;

    /// <summary>The silo's Orleans status (<c>Active</c> once it serves grains).</summary>
    public SiloStatus Status => statusOracle.CurrentStatus;

    /// <summary>True while the silo serves grains.</summary>
    public bool IsActive => Status == SiloStatus.Active;

    /// <summary>How many activations this silo holds now.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<int> GetActivationCountAsync(CancellationToken cancellationToken = default)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetRuntimeStatistics([Address]).WaitAsync(cancellationToken);
        return statistics.Length == 0 ? 0 : statistics[0].ActivationCount;
    }
}
