using System.Collections.Concurrent;

namespace Stackl.Runtime.Core;

/// <summary>The activations of one silo, at most one per grain.</summary>
internal sealed class Catalog(SiloRuntime runtime)
{
    private readonly ConcurrentDictionary<GrainId, ActivationData> _activations = new();

    public int Count => _activations.Count;

    public ICollection<ActivationData> Activations => _activations.Values;

    public ActivationData GetOrCreate(GrainId grainId, GrainInterfaceInfo grainInterface)
    {
        while (true)
        {
            if (_activations.TryGetValue(grainId, out var existing))
            {
                if (!existing.IsInvalid)
                {
                    return existing;
                }

                var replacement = new ActivationData(runtime, grainInterface, grainId);
                if (_activations.TryUpdate(grainId, replacement, existing))
                {
                    replacement.Start();
                    return replacement;
                }

                continue;
            }

            var created = new ActivationData(runtime, grainInterface, grainId);
            if (_activations.TryAdd(grainId, created))
            {
                created.Start();
                return created;
            }
        }
    }

    public void Remove(ActivationData activation) => _activations.TryRemove(new KeyValuePair<GrainId, ActivationData>(activation.GrainId, activation));

    public void CollectIdle(TimeSpan age)
    {
        foreach (var activation in _activations.Values)
        {
            activation.DeactivateIfIdle(age);
        }
    }

    public void AbandonAll(Exception reason)
    {
        foreach (var activation in _activations.Values)
        {
            activation.Abandon(reason);
        }

        _activations.Clear();
    }
}
