using System.Text.Json;
using Stackl.Contracts;
using Stackl.Grains.Abstractions;

namespace Stackl.Client.Orleans;

public sealed partial class StacklClusterClient
{
    /// <inheritdoc />
    public Task<DocumentView> GetDocumentAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return CallAsync(g => g.GetDocumentAsync(key), nameof(GetDocumentAsync), cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskView> PutDocumentAsync(string key, JsonElement value, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        Defined(value, nameof(value));
        return WriteDocumentAsync(key, (g, w) => g.PutDocumentAsync(key, value, w), nameof(PutDocumentAsync), wait, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskView> PatchDocumentAsync(string key, JsonElement patch, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        Defined(patch, nameof(patch));
        return WriteDocumentAsync(key, (g, w) => g.PatchDocumentAsync(key, patch, w), nameof(PatchDocumentAsync), wait, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskView> DeleteDocumentAsync(string key, TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        WriteDocumentAsync(key, (g, w) => g.DeleteDocumentAsync(key, w), nameof(DeleteDocumentAsync), wait, cancellationToken);

    /// <inheritdoc />
    public Task<Page<DocumentView>> ListDocumentsAsync(string? prefix = null, string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        CallAsync(g => g.ListDocumentsAsync(prefix, after, limit), nameof(ListDocumentsAsync), cancellationToken);

    /// <inheritdoc />
    public Task<Page<HistoryEntry>> GetHistoryAsync(string key, long? before = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return CallAsync(g => g.GetHistoryAsync(key, before, limit), nameof(GetHistoryAsync), cancellationToken);
    }

    /// <inheritdoc />
    public Task<HistoryEntry> GetDocumentVersionAsync(string key, long version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return CallAsync(g => g.GetDocumentVersionAsync(key, version), nameof(GetDocumentVersionAsync), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LockView>> ListLocksAsync(int? limit = null, CancellationToken cancellationToken = default) =>
        await CallAsync(g => g.ListLocksAsync(limit), nameof(ListLocksAsync), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task<ClusterView> GetClusterAsync(CancellationToken cancellationToken = default) =>
        CallAsync(g => g.GetClusterAsync(), nameof(GetClusterAsync), cancellationToken);

    private static void Defined(JsonElement value, string name)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw new ArgumentException("The JSON value is default(JsonElement); pass a parsed value such as JsonSerializer.SerializeToElement(...).", name);
        }
    }

    private async Task<TaskView> WriteDocumentAsync(string key, Func<IStacklGatewayGrain, TimeSpan, Task<TaskView>> write, string operation, TimeSpan? wait, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var started = Time.GetTimestamp();
        var budget = wait ?? _options.DefaultWait;
        var task = await CallAsync(g => write(g, CallWait(budget)), operation, cancellationToken).ConfigureAwait(false);
        return await PollAsync(task.Id, task, Remaining(budget, started), throwOnTimeout: false, cancellationToken).ConfigureAwait(false);
    }
}
