using System.Text.Json;
using System.Text.Json.Nodes;
using Stackl.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Tasks.Queries;

namespace Stackl.Tasks.Handlers;

/// <summary><c>document/put {key, value}</c>: replaces a document's value.</summary>
public sealed class PutDocumentHandler : ITaskHandler
{
    /// <inheritdoc />
    public string Topic => "document";

    /// <inheritdoc />
    public string Subtype => "put";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload)
    {
        var obj = Payload.Object(payload, "document/put");
        var value = Payload.Required(obj, "value", "payload");
        if (value.ValueKind == JsonValueKind.Null)
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, "payload.value is null; use document/delete to delete a document.");
        }

        return [Payload.Key(obj, "payload")];
    }

    /// <inheritdoc />
    public Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.Payload.GetProperty("key").GetString()!;
        context.Stage(key, context.Payload.GetProperty("value"));
        return Task.FromResult<JsonElement?>(null);
    }
}

/// <summary><c>document/patch {key, patch}</c>: applies a JSON merge patch (RFC 7386).</summary>
public sealed class PatchDocumentHandler : ITaskHandler
{
    /// <inheritdoc />
    public string Topic => "document";

    /// <inheritdoc />
    public string Subtype => "patch";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload)
    {
        var obj = Payload.Object(payload, "document/patch");
        if (Payload.Required(obj, "patch", "payload").ValueKind != JsonValueKind.Object)
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, "payload.patch must be a JSON object (a merge patch).");
        }

        return [Payload.Key(obj, "payload")];
    }

    /// <inheritdoc />
    public Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.Payload.GetProperty("key").GetString()!;
        var current = context.Read(key) is { } value ? JsonNode.Parse(value.GetRawText()) : null;
        var patched = MergePatch(current, JsonNode.Parse(context.Payload.GetProperty("patch").GetRawText()));
        context.Stage(key, JsonSerializer.SerializeToElement(patched, TasksJsonContext.Default.JsonNode));
        return Task.FromResult<JsonElement?>(null);
    }

    internal static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = MergePatch(result[name], value);
            }
        }

        return result;
    }
}

/// <summary><c>document/delete {key}</c>: deletes a document (its history stays).</summary>
public sealed class DeleteDocumentHandler : ITaskHandler
{
    /// <inheritdoc />
    public string Topic => "document";

    /// <inheritdoc />
    public string Subtype => "delete";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload) => [Payload.Key(Payload.Object(payload, "document/delete"), "payload")];

    /// <inheritdoc />
    public Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.Payload.GetProperty("key").GetString()!;
        if (context.Read(key) is null)
        {
            throw new TaskFailedException(ErrorCodes.NotFound, $"Document {key} does not exist, so it cannot be deleted.");
        }

        context.Stage(key, null);
        return Task.FromResult<JsonElement?>(null);
    }
}

/// <summary><c>document/restore {key, version}</c>: makes an earlier version the new current value.</summary>
public sealed class RestoreDocumentHandler : ITaskHandler
{
    /// <inheritdoc />
    public string Topic => "document";

    /// <inheritdoc />
    public string Subtype => "restore";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload)
    {
        var obj = Payload.Object(payload, "document/restore");
        Payload.Integer(obj, "version", "payload", min: 1);
        return [Payload.Key(obj, "payload")];
    }

    /// <inheritdoc />
    public async Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.Payload.GetProperty("key").GetString()!;
        var version = context.Payload.GetProperty("version").GetInt64();
        var history = context.Services.GetService<IDocumentIndex>()
            ?? throw new TaskFailedException(ErrorCodes.NotFound, "This silo keeps no document history (its storage provider has no document index).");
        var entry = await history.GetVersionAsync(key, version, context.CancellationToken)
            ?? throw new TaskFailedException(ErrorCodes.NotFound, $"Document {key} has no version {version}; its current version is {context.Version(key)}.");
        context.Stage(key, entry.Value);
        context.Log($"restored {key} to version {version}");
        return null;
    }
}
