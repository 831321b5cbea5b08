using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Runtime.Hosting;
using Stackl.Runtime.Testing;
using Stackl.Runtime.Tests.Grains;

namespace Stackl.Runtime.Tests;

public sealed class ReminderTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestSiloHost _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilos.StartAsync(_probe, s => s.UseInMemoryStorage());

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task OneShotReminder_SubSecond_FiresOnceAndIsRemoved()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("r1");

        await grain.RegisterReminderAsync("deadline", 100, null);
        await Eventually.TrueAsync("reminder r1/deadline fires", () => _probe.ReminderTicks.Any(t => t.Grain == "r1"));

        var store = _silo.Silo.Runtime.Reminders.Store;
        await Eventually.ValueAsync("reminder r1/deadline removed after delivery", () => store.GetAsync(new GrainId("test-counter", "r1"), "deadline"), row => row is null);
        Assert.Single(_probe.ReminderTicks, t => t.Grain == "r1");
    }

    [Fact]
    public async Task PeriodicReminder_FiresRepeatedlyUntilUnregistered()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("r2");

        await grain.RegisterReminderAsync("tick", 20, 50);
        await Eventually.TrueAsync("three ticks of r2/tick", () => _probe.ReminderTicks.Count(t => t.Grain == "r2") >= 3);
        await grain.UnregisterReminderAsync("tick");

        Assert.Null(await _silo.Silo.Runtime.Reminders.Store.GetAsync(new GrainId("test-counter", "r2"), "tick"));
    }

    [Fact]
    public async Task FailingDelivery_IsRetriedWithBackoffAndAttemptCount()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("r3");
        _probe.ReminderFailuresLeft["r3/flaky"] = 2;

        var registeredAt = TimeProvider.System.GetUtcNow();
        await grain.RegisterReminderAsync("flaky", 10, null);
        await Eventually.TrueAsync("r3/flaky delivered after two failures", () => _probe.ReminderTicks.Any(t => t.Grain == "r3"));

        var tick = _probe.ReminderTicks.Single(t => t.Grain == "r3").Tick;
        Assert.Equal(2, tick.Attempt);
        Assert.True(tick.FiredAt - registeredAt >= TimeSpan.FromMilliseconds(150), $"Retries came too fast: registered {registeredAt:O}, delivered {tick.FiredAt:O} (delays of 50 ms then 100 ms expected).");
    }

    [Fact]
    public async Task ReRegister_ReplacesDueTime()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("r4");

        await grain.RegisterReminderAsync("later", 60_000, null);
        await grain.RegisterReminderAsync("later", 10, null);

        await Eventually.TrueAsync("r4/later fires at its new due time", () => _probe.ReminderTicks.Any(t => t.Grain == "r4"));
    }

    [Fact]
    public async Task Delivery_RecordsItsLagOnTheSilosMeter()
    {
        var lags = new ConcurrentQueue<double>();
        var meterFactory = _silo.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == "stackl.reminder.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lags.Enqueue(value));
        listener.Start();
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("r5");

        await grain.RegisterReminderAsync("lagged", 10, null);
        await Eventually.TrueAsync("r5/lagged fires", () => _probe.ReminderTicks.Any(t => t.Grain == "r5"));

        var tick = _probe.ReminderTicks.Single(t => t.Grain == "r5").Tick;
        var lag = Assert.Single(lags);
        Assert.InRange(lag, 0, (tick.FiredAt - tick.DueAt).TotalSeconds + 0.001);
    }
}
