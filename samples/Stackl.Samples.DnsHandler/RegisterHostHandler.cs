using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks;
using Stackl.Tasks.Handlers;

namespace Stackl.Samples.DnsHandler;

// README:begin handler
/// <summary>Task <c>dns/register</c>: registers a host in DNS and records it in the document <c>host/{name}</c>.</summary>
public sealed class RegisterHostHandler(DnsRegistry dns) : ITaskHandler
{
    /// <inheritdoc />
    public string Topic => "dns";

    /// <inheritdoc />
    public string Subtype => "register";

    /// <inheritdoc />
    /// <remarks>Runs before the task is accepted: a bad payload is a 422 and nothing is stored.</remarks>
    public IReadOnlyList<string> Validate(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("host", out var host) || host.ValueKind != JsonValueKind.String
            || !payload.TryGetProperty("address", out var address) || address.ValueKind != JsonValueKind.String)
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, """dns/register needs {"host": "...", "address": "..."}.""");
        }

        return [$"host/{host.GetString()}"]; // the documents the task locks
    }

    /// <inheritdoc />
    public async Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        var host = context.Payload.GetProperty("host").GetString()!;
        var address = context.Payload.GetProperty("address").GetString()!;

        // Record the undo durably before the side effect: if anything fails later, the rollback runs it.
        await context.OnRevertAsync(UnregisterHostRevert.KindName, JsonSerializer.SerializeToElement(host));
        dns.Register(host, address);
        context.Log($"registered {host} -> {address}");

        // Staged now, committed with the task (or discarded by its rollback).
        context.Stage($"host/{host}", JsonSerializer.SerializeToElement(new { address }));
        if (context.Payload.TryGetProperty("failAfterRegistering", out var fail) && fail.GetBoolean())
        {
            throw new TaskFailedException(ErrorCodes.HandlerFailed, "asked to fail after registering");
        }

        return JsonSerializer.SerializeToElement(new { host, address });
    }
}

/// <summary>Undoes <see cref="RegisterHostHandler"/>'s registration during a rollback.</summary>
public sealed class UnregisterHostRevert(DnsRegistry dns) : ITaskRevertHandler
{
    /// <summary>The revert kind the handler records.</summary>
    public const string KindName = "dns-unregister";

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public Task RevertAsync(JsonElement data, CancellationToken cancellationToken)
    {
        dns.Unregister(data.GetString()!);
        return Task.CompletedTask;
    }
}
// README:end handler
