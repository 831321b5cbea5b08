using Stackl.Runtime.Hosting;
using Stackl.Runtime.Testing;
using Stackl.Runtime.Tests.Grains;

namespace Stackl.Runtime.Tests;

public sealed class IdleCollectionTests
{
    [Fact]
    public async Task IdleActivation_OlderThanCollectionAge_IsDeactivated()
    {
        var probe = new Probe();
        await using var silo = await TestSilos.StartAsync(probe, s => s.UseInMemoryStorage(), o =>
        {
            o.CollectionAge = TimeSpan.FromMilliseconds(200);
            o.CollectionQuantum = TimeSpan.FromMilliseconds(50);
        });
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>("idle");
        await grain.IncrementAsync(3);

        await Eventually.TrueAsync("idle grain collected", () => probe.Deactivations.GetValueOrDefault("idle") == 1);

        Assert.Equal(0, silo.Silo.ActivationCount);
        Assert.Equal(3, (await grain.GetAsync()).Value);
        Assert.Equal(2, probe.Activations["idle"]);
    }
}
