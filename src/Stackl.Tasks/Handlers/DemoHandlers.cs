using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Tasks.Handlers;

/// <summary><c>demo/echo</c>: completes with its payload as the result.</summary>
public sealed class EchoHandler : ITaskHandler
{
    /// <inheritdoc />
    public string Topic => "demo";

    /// <inheritdoc />
    public string Subtype => "echo";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload) => [];

    /// <inheritdoc />
    public Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Log("echo");
        return Task.FromResult<JsonElement?>(context.Payload);
    }
}

/// <summary><c>demo/sleep {ms}</c>: waits, honouring cancellation and the deadline.</summary>
public sealed class SleepHandler(TimeProvider timeProvider) : ITaskHandler
{
    /// <inheritdoc />
    public string Topic => "demo";

    /// <inheritdoc />
    public string Subtype => "sleep";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload)
    {
        Payload.Integer(Payload.Object(payload, "demo/sleep"), "ms", "payload", min: 0);
        return [];
    }

    /// <inheritdoc />
    public async Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ms = context.Payload.GetProperty("ms").GetInt64();
        context.Log($"sleeping {ms} ms");
        await Task.Delay(TimeSpan.FromMilliseconds(ms), timeProvider, context.CancellationToken);
        using var result = JsonDocument.Parse($"{{\"slept\":{ms}}}");
        return result.RootElement.Clone();
    }
}

/// <summary><c>demo/fail {message}</c>: fails with the message; nothing is committed.</summary>
public sealed class FailHandler : ITaskHandler
{
    /// <inheritdoc />
    public string Topic => "demo";

    /// <inheritdoc />
    public string Subtype => "fail";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload)
    {
        Payload.String(Payload.Object(payload, "demo/fail"), "message", "payload");
        return [];
    }

    /// <inheritdoc />
    public Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        throw new TaskFailedException(ErrorCodes.HandlerFailed, context.Payload.GetProperty("message").GetString()!);
    }
}

/// <summary>
/// <c>demo/provision {kind, name, fail?, failTimes?}</c>: pretends to create a resource (a network, a VM, a DNS record) for the flow
/// examples; fails on request (<c>fail: true</c>), or retryably for its first <c>failTimes</c> attempts.
/// </summary>
public sealed class ProvisionHandler : ITaskHandler
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Topic => "demo";

    /// <inheritdoc />
    public string Subtype => "provision";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload)
    {
        var obj = Payload.Object(payload, "demo/provision");
        Payload.String(obj, "kind", "payload");
        Payload.String(obj, "name", "payload");
        return [];
    }

    /// <inheritdoc />
    public Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var kind = context.Payload.GetProperty("kind").GetString()!;
        var name = context.Payload.GetProperty("name").GetString()!;
        if (context.Payload.TryGetProperty("fail", out var fail) && fail.ValueKind == JsonValueKind.True)
        {
            throw new TaskFailedException(ErrorCodes.HandlerFailed, $"creating {kind} {name} failed (asked to fail)");
        }

        // Attempts are counted only for a step asked to fail some times, and forgotten once it succeeds.
        if (context.Payload.TryGetProperty("failTimes", out var failTimes) && failTimes.TryGetInt32(out var times))
        {
            var attempt = _attempts.AddOrUpdate(context.TaskId, 1, (_, n) => n + 1);
            if (attempt <= times)
            {
                throw new TaskFailedException(ErrorCodes.HandlerFailed, $"creating {kind} {name} failed on attempt {attempt} (asked to fail {times} times)") { Retryable = true };
            }

            _attempts.TryRemove(context.TaskId, out _);
        }

        context.Log($"created {kind} {name}");
        var result = new System.Text.Json.Nodes.JsonObject { ["kind"] = kind, ["name"] = name, ["id"] = $"{kind}-{name}" };
        return Task.FromResult<JsonElement?>(JsonSerializer.SerializeToElement(result, TasksJsonContext.Default.JsonNode));
    }
}

/// <summary><c>demo/deprovision</c>: the revert of <c>demo/provision</c> in the flow examples: logs that the resource was deleted.</summary>
public sealed class DeprovisionHandler : ITaskHandler
{
    /// <inheritdoc />
    public string Topic => "demo";

    /// <inheritdoc />
    public string Subtype => "deprovision";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload) => [];

    /// <inheritdoc />
    public Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Payload.TryGetProperty("input", out var value) ? value : context.Payload;
        context.Log($"deleted {input.GetProperty("kind").GetString()} {input.GetProperty("name").GetString()}");
        return Task.FromResult<JsonElement?>(null);
    }
}
