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

    [Fact]
    public async Task KeepAlive_IdleActivation_IsNotCollectedUntilReleased()
    {
        var probe = new Probe();
        await using var silo = await TestSilos.StartAsync(probe, s => s.UseInMemoryStorage(), o =>
        {
            o.CollectionAge = TimeSpan.FromMilliseconds(200);
            o.CollectionQuantum = TimeSpan.FromMilliseconds(50);
        });
        var kept = silo.GrainFactory.GetGrain<ICounterGrain>("kept");
        await kept.SetKeepAliveAsync(true);
        await silo.GrainFactory.GetGrain<ICounterGrain>("idle").PingAsync();

        // The other activation's collection proves the collector ran past this one's age.
        await Eventually.TrueAsync("the idle grain is collected", () => probe.Deactivations.GetValueOrDefault("idle") == 1);
        Assert.Equal(0, probe.Deactivations.GetValueOrDefault("kept"));

        await kept.SetKeepAliveAsync(false);
        await Eventually.TrueAsync("the released grain is collected", () => probe.Deactivations.GetValueOrDefault("kept") == 1);
    }
}
