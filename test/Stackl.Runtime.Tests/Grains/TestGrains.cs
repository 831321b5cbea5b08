using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Stackl.Runtime;

namespace Stackl.Runtime.Tests.Grains;

public sealed record Counter(int Value);

public sealed record EchoMessage(string Text, int Number, IReadOnlyList<string> Tags);

public sealed class CounterState
{
    public int Value { get; set; }

    public List<string> History { get; set; } = [];
}

/// <summary>Records what the test grains did, shared by every activation of one test silo.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<string, int> _concurrent = new();

    public ConcurrentDictionary<string, int> Activations { get; } = new();

    public ConcurrentDictionary<string, int> Deactivations { get; } = new();

    public ConcurrentQueue<int> TurnOrder { get; } = new();

    public ConcurrentQueue<(string Grain, string Reminder, ReminderTick Tick)> ReminderTicks { get; } = new();

    public ConcurrentDictionary<string, int> ReminderFailuresLeft { get; } = new();

    public int MaxConcurrent { get; private set; }

    public TaskCompletionSource Gate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource InsideGate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>OnActivateAsync waits for this (completed unless a test replaces it).</summary>
    public Task ActivationGate { get; set; } = Task.CompletedTask;

    public int TimerTicks;

    /// <summary>Marks a turn of grain <paramref name="key"/> as running; <see cref="MaxConcurrent"/> is the most turns of one grain seen at once.</summary>
    public IDisposable Enter(string key)
    {
        var now = _concurrent.AddOrUpdate(key, 1, (_, n) => n + 1);
        lock (_concurrent)
        {
            MaxConcurrent = Math.Max(MaxConcurrent, now);
        }

        return new Exit(this, key);
    }

    private sealed class Exit(Probe probe, string key) : IDisposable
    {
        public void Dispose() => probe._concurrent.AddOrUpdate(key, 0, (_, n) => n - 1);
    }
}

[GrainType("test-counter")]
public interface ICounterGrain : IGrainWithStringKey
{
    Task<Counter> IncrementAsync(int by);

    Task<Counter> GetAsync();

    Task AppendAsync(int order);

    Task BlockUntilGateAsync();

    [AlwaysInterleave]
    Task<string> PeekAsync();

    Task ThrowAsync(string message);

    Task HangAsync();

    Task CallOtherAsync(string otherKey, bool callBack);

    Task DeactivateAsync();

    Task StartTimerAsync(int periodMs);

    Task RegisterReminderAsync(string name, int dueMs, int? periodMs);

    Task UnregisterReminderAsync(string name);

    ValueTask<EchoMessage> EchoAsync(EchoMessage message);

    ValueTask PingAsync();

    Task SetKeepAliveAsync(bool keepAlive);
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state, Probe probe) : Grain, ICounterGrain, IRemindable
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Activations.AddOrUpdate(GrainKey, 1, (_, n) => n + 1);
        await probe.ActivationGate;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Deactivations.AddOrUpdate(GrainKey, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public async Task<Counter> IncrementAsync(int by)
    {
        using var _ = probe.Enter(GrainKey);
        state.State.Value += by;
        state.State.History.Add($"+{by}");
        await state.WriteStateAsync();
        return new Counter(state.State.Value);
    }

    public Task<Counter> GetAsync() => Task.FromResult(new Counter(state.State.Value));

    public Task SetKeepAliveAsync(bool keepAlive)
    {
        KeepAlive = keepAlive;
        return Task.CompletedTask;
    }

    public async Task AppendAsync(int order)
    {
        using var _ = probe.Enter(GrainKey);
        await Task.Yield();
        probe.TurnOrder.Enqueue(order);
        await Task.Yield();
    }

    public async Task BlockUntilGateAsync()
    {
        using var _ = probe.Enter(GrainKey);
        probe.InsideGate.TrySetResult();
        await probe.Gate.Task;
    }

    public Task<string> PeekAsync() => Task.FromResult($"{GrainKey}:{state.State.Value}");

    public Task ThrowAsync(string message) => throw new ArgumentException(message, nameof(message));

    public Task HangAsync() => new TaskCompletionSource().Task;

    public Task CallOtherAsync(string otherKey, bool callBack)
    {
        var other = GrainFactory.GetGrain<ICounterGrain>(otherKey);
        return callBack ? other.CallOtherAsync(GrainKey, callBack: false) : other.GetAsync();
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task StartTimerAsync(int periodMs)
    {
        RegisterTimer(_ =>
        {
            using var __ = probe.Enter(GrainKey);
            Interlocked.Increment(ref probe.TimerTicks);
            return Task.CompletedTask;
        }, TimeSpan.FromMilliseconds(periodMs), TimeSpan.FromMilliseconds(periodMs));
        return Task.CompletedTask;
    }

    public Task RegisterReminderAsync(string name, int dueMs, int? periodMs) =>
        RegisterOrUpdateReminderAsync(name, TimeSpan.FromMilliseconds(dueMs), periodMs is { } p ? TimeSpan.FromMilliseconds(p) : null);

    Task ICounterGrain.UnregisterReminderAsync(string name) => UnregisterReminderAsync(name);

    public ValueTask<EchoMessage> EchoAsync(EchoMessage message) => ValueTask.FromResult(message with { Number = message.Number + 1 });

    public ValueTask PingAsync() => ValueTask.CompletedTask;

    public Task ReceiveReminderAsync(string reminderName, ReminderTick tick)
    {
        var key = $"{GrainKey}/{reminderName}";
        if (probe.ReminderFailuresLeft.TryGetValue(key, out var left) && left > 0)
        {
            probe.ReminderFailuresLeft[key] = left - 1;
            throw new InvalidOperationException($"Reminder {key} fails on purpose ({left} left).");
        }

        probe.ReminderTicks.Enqueue((GrainKey, reminderName, tick));
        return Task.CompletedTask;
    }
}

[JsonSerializable(typeof(Counter))]
[JsonSerializable(typeof(EchoMessage))]
[JsonSerializable(typeof(CounterState))]
[JsonSerializable(typeof(ReminderTick))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
public sealed partial class TestGrainJsonContext : JsonSerializerContext;
