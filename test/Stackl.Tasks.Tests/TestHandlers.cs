using System.Collections.Concurrent;
using System.Text.Json;
using Stackl.Tasks.Handlers;

namespace Stackl.Tasks.Tests;

/// <summary>Gates that test handlers stop at, shared across silo restarts.</summary>
public sealed class TestGates
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _entered = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _released = new();

    public TaskCompletionSource Entered(string gate) => _entered.GetOrAdd(gate, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public TaskCompletionSource Released(string gate) => _released.GetOrAdd(gate, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public Task WaitEnteredAsync(string gate) => Entered(gate).Task.WaitAsync(TimeSpan.FromSeconds(10));

    public void Release(string gate) => Released(gate).TrySetResult();
}

/// <summary>
/// <c>test/gate {gate, set?: {key: value}}</c>: stages the given values, says it entered, then waits for the gate to be released
/// (honouring cancellation); completes with no result.
/// </summary>
public sealed class GateHandler(TestGates gates) : ITaskHandler
{
    public string Topic => "test";

    public string Subtype => "gate";

    public IReadOnlyList<string> Validate(JsonElement payload) =>
        payload.TryGetProperty("set", out var set) ? [.. set.EnumerateObject().Select(p => p.Name)] : [];

    public async Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        var gate = context.Payload.GetProperty("gate").GetString()!;
        if (context.Payload.TryGetProperty("set", out var set))
        {
            foreach (var property in set.EnumerateObject())
            {
                context.Stage(property.Name, property.Value);
            }
        }

        gates.Entered(gate).TrySetResult();
        await gates.Released(gate).Task.WaitAsync(context.CancellationToken);
        return null;
    }
}

/// <summary>Records every side effect and revert, in order.</summary>
public sealed class SideEffectJournal
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyList<string> Entries => [.. _entries];

    public void Add(string entry) => _entries.Enqueue(entry);
}

/// <summary>
/// <c>test/effects {effects: ["a", "b"], fail: bool, failRevert: "b"?}</c>: registers a revert for each effect before doing it,
/// then fails when asked. The revert of <c>failRevert</c> throws.
/// </summary>
public sealed class SideEffectHandler(SideEffectJournal journal) : ITaskHandler
{
    public string Topic => "test";

    public string Subtype => "effects";

    public IReadOnlyList<string> Validate(JsonElement payload) => [];

    public async Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        foreach (var effect in context.Payload.GetProperty("effects").EnumerateArray())
        {
            var name = effect.GetString()!;
            var failRevert = context.Payload.TryGetProperty("failRevert", out var f) && f.GetString() == name;
            await context.OnRevertAsync("test-undo", JsonSerializer.SerializeToElement(new UndoData(name, failRevert), TestJsonContext.Default.UndoData));
            journal.Add($"do {name}");
        }

        if (context.Payload.TryGetProperty("fail", out var fail) && fail.GetBoolean())
        {
            throw new InvalidOperationException("asked to fail after its side effects");
        }

        return null;
    }
}

public sealed record UndoData(string Name, bool Fail);

/// <summary>Undoes a <see cref="SideEffectHandler"/> effect, or throws when told to.</summary>
public sealed class UndoRevertHandler(SideEffectJournal journal) : ITaskRevertHandler
{
    public string Kind => "test-undo";

    public Task RevertAsync(JsonElement data, CancellationToken cancellationToken)
    {
        var undo = data.Deserialize(TestJsonContext.Default.UndoData)!;
        if (undo.Fail)
        {
            throw new InvalidOperationException($"the undo of {undo.Name} failed");
        }

        journal.Add($"undo {undo.Name}");
        return Task.CompletedTask;
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(UndoData))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
public sealed partial class TestJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

/// <summary>
/// <c>test/step {name, set?: {key: value}, fail?: "always", failTimes?: n, gate?: name}</c>: a flow step that journals <c>do name</c>,
/// stages <c>set</c>, fails when asked (<c>failTimes</c>: retryably, its first n attempts), and returns <c>{name, input}</c>.
/// </summary>
public sealed class FlowStepHandler(SideEffectJournal journal, TestGates gates) : ITaskHandler
{
    public string Topic => "test";

    public string Subtype => "step";

    public IReadOnlyList<string> Validate(JsonElement payload) =>
        payload.TryGetProperty("set", out var set) ? [.. set.EnumerateObject().Select(p => p.Name)] : [];

    public async Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        var name = context.Payload.GetProperty("name").GetString()!;

        // Counted in the journal, which outlives a restart of the silo, so a resumed flow's step knows its earlier attempts.
        journal.Add($"do {name}");
        var attempt = journal.Entries.Count(e => e == $"do {name}");
        if (context.Payload.TryGetProperty("set", out var set))
        {
            foreach (var property in set.EnumerateObject())
            {
                context.Stage(property.Name, property.Value);
            }
        }

        if (context.Payload.TryGetProperty("gate", out var gate))
        {
            gates.Entered(gate.GetString()!).TrySetResult();
            await gates.Released(gate.GetString()!).Task.WaitAsync(context.CancellationToken);
        }

        if (context.Payload.TryGetProperty("fail", out _))
        {
            throw new TaskFailedException(Contracts.ErrorCodes.HandlerFailed, $"{name} was asked to fail");
        }

        if (context.Payload.TryGetProperty("failTimes", out var failTimes) && attempt <= failTimes.GetInt32())
        {
            throw new TaskFailedException(Contracts.ErrorCodes.HandlerFailed, $"{name} failed attempt {attempt} on purpose") { Retryable = true };
        }

        using var result = JsonDocument.Parse($$"""{"name":{{JsonSerializer.Serialize(name, TestJsonContext.Default.String)}},"input":{{context.Payload.GetRawText()}}}""");
        return result.RootElement.Clone();
    }
}

/// <summary><c>test/unstep</c>: the revert of a <see cref="FlowStepHandler"/> step: journals <c>undo name</c>, or throws when its input says <c>failRevert</c>.</summary>
public sealed class FlowStepRevertHandler(SideEffectJournal journal) : ITaskHandler
{
    public string Topic => "test";

    public string Subtype => "unstep";

    public IReadOnlyList<string> Validate(JsonElement payload) => [];

    public Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        var input = context.Payload.GetProperty("input");
        var name = input.GetProperty("name").GetString()!;
        if (input.TryGetProperty("failRevert", out _))
        {
            throw new InvalidOperationException($"the undo of {name} failed");
        }

        journal.Add($"undo {name}");
        return Task.FromResult<JsonElement?>(null);
    }
}
