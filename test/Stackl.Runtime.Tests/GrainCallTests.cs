using Stackl.Runtime.Hosting;
using Stackl.Runtime.Testing;
using Stackl.Runtime.Tests.Grains;

namespace Stackl.Runtime.Tests;

public sealed class GrainCallTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private TestSiloHost _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilos.StartAsync(_probe, s => s.UseInMemoryStorage(), o => o.CallTimeout = TimeSpan.FromMilliseconds(500));

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task GetGrain_FirstCall_ActivatesOnceAndReturnsResult()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("a");

        var first = await grain.IncrementAsync(2);
        var second = await grain.IncrementAsync(3);

        Assert.Equal(2, first.Value);
        Assert.Equal(5, second.Value);
        Assert.Equal(1, _probe.Activations["a"]);
    }

    [Fact]
    public async Task ConcurrentFirstCalls_ThousandOverTenGrains_ExactlyOneActivationEach()
    {
        var calls = Enumerable.Range(0, 1000)
            .Select(i => Task.Run(() => _silo.GrainFactory.GetGrain<ICounterGrain>($"g{i % 10}").IncrementAsync(1)))
            .ToArray();

        await Task.WhenAll(calls);

        Assert.Equal(10, _probe.Activations.Count);
        Assert.All(_probe.Activations, pair => Assert.Equal(1, pair.Value));
        for (var g = 0; g < 10; g++)
        {
            Assert.Equal(100, (await _silo.GrainFactory.GetGrain<ICounterGrain>($"g{g}").GetAsync()).Value);
        }

        Assert.Equal(1, _probe.MaxConcurrent);
    }

    [Fact]
    public async Task Turns_CallsFromOneCaller_RunInArrivalOrderOneAtATime()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("fifo");
        await grain.PingAsync();

        var calls = Enumerable.Range(0, 200).Select(grain.AppendAsync).ToArray();
        await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 200), _probe.TurnOrder);
        Assert.Equal(1, _probe.MaxConcurrent);
    }

    [Fact]
    public async Task AlwaysInterleave_WhileTurnAwaits_RunsAndOthersQueue()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("interleave");
        await grain.IncrementAsync(7);

        var blocked = grain.BlockUntilGateAsync();
        await _probe.InsideGate.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var queued = grain.IncrementAsync(1);

        var peek = await grain.PeekAsync().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("interleave:7", peek);
        Assert.False(queued.IsCompleted, "A non-interleaving call ran while another turn was in progress.");
        _probe.Gate.SetResult();
        await blocked;
        Assert.Equal(8, (await queued).Value);
        Assert.Equal(1, _probe.MaxConcurrent);
    }

    [Fact]
    public async Task AlwaysInterleave_DuringActivation_WaitsForItAndReturnsTypedResult()
    {
        var activation = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probe.ActivationGate = activation.Task;
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("slow-start");

        var first = grain.GetAsync();
        var peek = grain.PeekAsync();
        Assert.False(peek.IsCompleted);
        activation.SetResult();

        Assert.NotNull(await peek);
        Assert.Equal(0, (await first).Value);
    }

    [Fact]
    public async Task CallCycle_AToBToA_FailsFastNamingTheCycle()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("cycle-a");

        var error = await Assert.ThrowsAsync<CallCycleException>(() => grain.CallOtherAsync("cycle-b", callBack: true).WaitAsync(TimeSpan.FromSeconds(2)));

        Assert.Contains("test-counter/cycle-a -> test-counter/cycle-b -> test-counter/cycle-a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallWithoutCycle_AToB_Succeeds()
    {
        await _silo.GrainFactory.GetGrain<ICounterGrain>("chain-a").CallOtherAsync("chain-b", callBack: false);
    }

    [Fact]
    public async Task Exception_InGrain_ReachesCallerWithTypeAndMessage()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("thrower");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.ThrowAsync("bad thing"));

        Assert.StartsWith("bad thing", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await grain.GetAsync()).Value);
    }

    [Fact]
    public async Task CallTimeout_GrainNeverAnswers_ThrowsGrainCallTimeoutException()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("hang");

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => grain.HangAsync());

        Assert.Contains("HangAsync", error.Message, StringComparison.Ordinal);
        Assert.Contains("test-counter/hang", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueuedCall_BehindHungTurn_TimesOut()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("hang-queue");
        _ = grain.HangAsync();

        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => grain.GetAsync());
    }

    [Fact]
    public async Task ValueTaskMethods_RoundTripArguments()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("echo");

        var echoed = await grain.EchoAsync(new EchoMessage("hi", 41, ["x", "y"]));
        await grain.PingAsync();

        Assert.Equal(42, echoed.Number);
        Assert.Equal(["x", "y"], echoed.Tags);
    }

    [Fact]
    public async Task DeactivateOnIdle_NextCall_NewActivationWithPersistedState()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("deact");
        await grain.IncrementAsync(5);

        await grain.DeactivateAsync();
        await Eventually.TrueAsync("grain deact deactivated", () => _probe.Deactivations.GetValueOrDefault("deact") == 1);
        var after = await grain.IncrementAsync(1);

        Assert.Equal(6, after.Value);
        Assert.Equal(2, _probe.Activations["deact"]);
    }

    [Fact]
    public async Task Timer_Ticks_RunAsTurns()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("timer");

        await grain.StartTimerAsync(20);
        await Eventually.TrueAsync("three timer ticks", () => Volatile.Read(ref _probe.TimerTicks) >= 3);
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => grain.IncrementAsync(1)));

        Assert.Equal(1, _probe.MaxConcurrent);
    }

    [Fact]
    public async Task GracefulStop_QueuedCalls_DrainAndDeactivate()
    {
        var grain = _silo.GrainFactory.GetGrain<ICounterGrain>("drain");
        await grain.PingAsync();
        var blocked = grain.BlockUntilGateAsync();
        await _probe.InsideGate.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var queued = grain.IncrementAsync(1);

        var stopping = _silo.StopAsync();
        _probe.Gate.SetResult();
        await stopping;

        Assert.Equal(1, (await queued).Value);
        await blocked;
        Assert.Equal(1, _probe.Deactivations["drain"]);
    }
}
