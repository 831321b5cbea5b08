using System.Globalization;
using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Client;

public sealed partial class StacklClient
{
    /// <inheritdoc />
    public Task<DocumentView> GetDocumentAsync(string key, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Url($"api/documents/{EscapeKey(key)}"), content: null, ContractsJsonContext.Default.DocumentView, cancellationToken);

    /// <inheritdoc />
    public Task<TaskView> PutDocumentAsync(string key, JsonElement value, TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        WriteDocumentAsync(HttpMethod.Put, key, Json(value, ClientJsonContext.Default.JsonElement), wait, cancellationToken);

    /// <inheritdoc />
    public Task<TaskView> PatchDocumentAsync(string key, JsonElement patch, TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        WriteDocumentAsync(HttpMethod.Patch, key, Json(patch, ClientJsonContext.Default.JsonElement), wait, cancellationToken);

    /// <inheritdoc />
    public Task<TaskView> DeleteDocumentAsync(string key, TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        WriteDocumentAsync(HttpMethod.Delete, key, content: null, wait, cancellationToken);

    /// <inheritdoc />
    public Task<Page<DocumentView>> ListDocumentsAsync(string? prefix = null, string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Url("api/documents", ("prefix", prefix), ("after", after), ("limit", Number(limit))), content: null, ContractsJsonContext.Default.PageDocumentView, cancellationToken);

    /// <inheritdoc />
    public Task<Page<HistoryEntry>> GetHistoryAsync(string key, long? before = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Url($"api/documents/{EscapeKey(key)}/history", ("before", Number(before)), ("limit", Number(limit))), content: null, ContractsJsonContext.Default.PageHistoryEntry, cancellationToken);

    /// <inheritdoc />
    public Task<HistoryEntry> GetDocumentVersionAsync(string key, long version, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Url($"api/documents/{EscapeKey(key)}/history/{version.ToString(CultureInfo.InvariantCulture)}"), content: null, ContractsJsonContext.Default.HistoryEntry, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<LockView>> ListLocksAsync(int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Url("api/locks", ("limit", Number(limit))), content: null, ContractsJsonContext.Default.IReadOnlyListLockView, cancellationToken);

    /// <inheritdoc />
    public Task<ClusterView> GetClusterAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Url("api/cluster"), content: null, ContractsJsonContext.Default.ClusterView, cancellationToken);

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    private async Task<TaskView> WriteDocumentAsync(HttpMethod method, string key, HttpContent? content, TimeSpan? wait, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        var budget = wait ?? _options.DefaultWait;
        var task = await SendAsync(method, Url($"api/documents/{EscapeKey(key)}", ("wait", ServerWait(budget))), content, ContractsJsonContext.Default.TaskView, cancellationToken)
            .ConfigureAwait(false);
        return await PollAsync(task.Id, task, Remaining(budget, started), throwOnTimeout: false, cancellationToken).ConfigureAwait(false);
    }
}
