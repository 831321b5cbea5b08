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
