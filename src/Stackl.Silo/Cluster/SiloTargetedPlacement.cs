using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Stackl.Silo.Cluster;

/// <summary>Places a grain on the silo its key names (a <see cref="SiloAddress"/> in its parsable form): one grain per silo, reachable from every silo.</summary>
/// <remarks>Activating it for a silo that is not active fails; its callers ask only silos the membership lists as active.</remarks>
[Serializable]
[GenerateSerializer]
[Immutable]
public sealed class SiloTargetedPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static SiloTargetedPlacement Instance { get; } = new();
}

/// <summary>Marks a grain class for <see cref="SiloTargetedPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloTargetedPlacementAttribute : PlacementAttribute
{
    /// <summary>Creates the attribute.</summary>
    public SiloTargetedPlacementAttribute()
        : base(SiloTargetedPlacement.Instance)
    {
    }
}

/// <summary>Picks the silo a <see cref="SiloTargetedPlacement"/> grain's key names.</summary>
internal sealed class SiloTargetedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString();
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            if (silo.ToParsableString() == key)
            {
                return Task.FromResult(silo);
            }
        }

        throw new SiloUnavailableException($"Silo {key} is not an active silo of this cluster; grain {target.GrainIdentity} lives only there.");
    }
}
