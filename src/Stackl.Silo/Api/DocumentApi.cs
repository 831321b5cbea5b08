using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Stackl.Contracts;
using Stackl.Tasks;
using Stackl.Tasks.Queries;
using Stackl.Silo.Limits;
using Stackl.Silo.Security;

namespace Stackl.Silo.Api;

/// <summary>Maps <c>/api/documents</c>: read and list documents and their history; PUT, PATCH and DELETE submit the matching document task.</summary>
public static class DocumentApi
{
    private const string HistorySuffix = "/" + DocumentKey.ReservedSegment;

    /// <summary>Maps the document endpoints.</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapDocumentApi(this IEndpointRouteBuilder app)
    {
        var documents = app.MapGroup("/api/documents").WithTags("Documents").WithStacklLimits();
        documents.MapGet("", ListAsync).WithName("ListDocuments").WithSummary("Lists existing documents in key order under ?prefix=; page with ?after=<last key>.");
        documents.MapGet("/{**path}", GetAsync).WithName("GetDocument")
            .WithSummary("Reads a document's committed value; {key}/history lists its versions newest first (?before=<version>), {key}/history/{version} reads one.");
        documents.MapPut("/{**key}", PutAsync).WithName("PutDocument").WithSummary("Submits document/put with the body as the new value; answers like POST /api/tasks.");
        documents.MapPatch("/{**key}", PatchAsync).WithName("PatchDocument").WithSummary("Submits document/patch with the body as a JSON merge patch; answers like POST /api/tasks.");
        documents.MapDelete("/{**key}", DeleteAsync).WithName("DeleteDocument").WithSummary("Submits document/delete; answers like POST /api/tasks.");
        app.MapGet("/api/locks", LocksAsync).WithTags("Documents").WithName("ListLocks").WithSummary("Lists held document locks with their owner and lease.");
        return app;
    }

    private static async Task<Ok<Page<DocumentView>>> ListAsync(HttpRequest request, ApiRequest api, IDocumentIndex index, string? prefix, string? after, CancellationToken cancellationToken)
    {
        request.HttpContext.Caller().DemandReadUnder(string.IsNullOrEmpty(prefix) ? null : prefix);
        var limit = api.Limit(request);
        var items = await index.ListAsync(string.IsNullOrEmpty(prefix) ? null : prefix, string.IsNullOrEmpty(after) ? null : after, limit, cancellationToken);
        return TypedResults.Ok(new Page<DocumentView>(items, items.Count == limit ? items[^1].Key : null));
    }

    private static async Task<IResult> GetAsync(string path, HttpRequest request, ApiRequest api, TaskService service, IDocumentIndex index, CancellationToken cancellationToken)
    {
        if (path.EndsWith(HistorySuffix, StringComparison.Ordinal))
        {
            var key = Key(path[..^HistorySuffix.Length]);
            request.HttpContext.Caller().DemandRead(key);
            long? before = null;
            if (request.Query["before"].ToString() is { Length: > 0 } text)
            {
                before = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new BadRequestException($"before is '{text}'; use a version number.");
            }

            var limit = api.Limit(request);
            var entries = await index.HistoryAsync(key, before, limit, cancellationToken);
            return TypedResults.Ok(new Page<HistoryEntry>(entries, entries.Count == limit ? entries[^1].Version.ToString(CultureInfo.InvariantCulture) : null));
        }

        var historyAt = path.LastIndexOf(HistorySuffix + "/", StringComparison.Ordinal);
        if (historyAt > 0)
        {
            var key = Key(path[..historyAt]);
            request.HttpContext.Caller().DemandRead(key);
            var versionText = path[(historyAt + HistorySuffix.Length + 1)..];
            if (!long.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new BadRequestException($"'{versionText}' is not a version number; read /api/documents/{key}/history/1 for the first version.");
            }

            return await index.GetVersionAsync(key, version, cancellationToken) is { } entry
                ? TypedResults.Ok(entry)
                : ApiProblems.NotFound($"Document {key} has no version {version}; list its versions at /api/documents/{key}/history.");
        }

        var documentKey = Key(path);
        request.HttpContext.Caller().DemandRead(documentKey);
        var document = await service.GetDocumentAsync(documentKey, cancellationToken);
        return document switch
        {
            { Value: not null } => TypedResults.Ok(document),
            { Version: 0 } => ApiProblems.NotFound($"Document {document.Key} does not exist; create it with PUT /api/documents/{document.Key}."),
            _ => ApiProblems.NotFound($"Document {document.Key} was deleted at version {document.Version}; its history is at /api/documents/{document.Key}/history."),
        };
    }

    private static async Task<Results<Ok<TaskView>, Accepted<TaskView>>> PutAsync(string key, HttpRequest request, ApiRequest api, TaskService service, CancellationToken cancellationToken)
    {
        var wait = api.Wait(request);
        var value = await api.ReadJsonAsync(request, cancellationToken);
        if (value.ValueKind == JsonValueKind.Null)
        {
            throw new BadRequestException("The body is JSON null; use DELETE to delete a document.");
        }

        return await SubmitAsync(service, request, "put", new JsonObject { ["key"] = Key(key), ["value"] = JsonNode.Parse(value.GetRawText()) }, wait, cancellationToken);
    }

    private static async Task<Results<Ok<TaskView>, Accepted<TaskView>>> PatchAsync(string key, HttpRequest request, ApiRequest api, TaskService service, CancellationToken cancellationToken)
    {
        var wait = api.Wait(request);
        var patch = await api.ReadJsonAsync(request, cancellationToken);
        if (patch.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException($"The body is a JSON {patch.ValueKind.ToString().ToLowerInvariant()}; a merge patch is a JSON object such as {{\"replicas\": 3, \"debug\": null}}.");
        }

        return await SubmitAsync(service, request, "patch", new JsonObject { ["key"] = Key(key), ["patch"] = JsonNode.Parse(patch.GetRawText()) }, wait, cancellationToken);
    }

    private static async Task<Results<Ok<TaskView>, Accepted<TaskView>>> DeleteAsync(string key, HttpRequest request, ApiRequest api, TaskService service, CancellationToken cancellationToken) =>
        await SubmitAsync(service, request, "delete", new JsonObject { ["key"] = Key(key) }, api.Wait(request), cancellationToken);

    private static async Task<Ok<IReadOnlyList<LockView>>> LocksAsync(HttpRequest request, ApiRequest api, IDocumentIndex index, CancellationToken cancellationToken)
    {
        var caller = request.HttpContext.Caller();
        var locks = await index.ListLocksAsync(api.Limit(request), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<LockView>>([.. locks.Where(l => caller.CanRead(l.Key))]);
    }

    private static async Task<Results<Ok<TaskView>, Accepted<TaskView>>> SubmitAsync(TaskService service, HttpRequest request, string subtype, JsonObject payload, TimeSpan? wait, CancellationToken cancellationToken)
    {
        TimeSpan? timeout = request.Query["timeout"].ToString() is { Length: > 0 } text ? ApiRequest.Duration("timeout", text) : null;
        var caller = request.HttpContext.Caller();
        var source = caller.IsAuthenticated ? null : "http";
        var spec = new TaskSpec("document", subtype, JsonSerializer.SerializeToElement(payload, TasksJsonContext.Default.JsonNode), null, timeout, TaskApi.IdempotencyKey(request), source);
        var task = await service.SubmitAsync(spec, wait, caller, cancellationToken);
        AuditTrail.Target(request.HttpContext, $"{payload["key"]} (task {task.Id})");
        return TaskApi.Answer(task);
    }

    /// <summary>A key from the URL: malformed keys are a 400 (the path is the request's shape, not its content).</summary>
    private static string Key(string key)
    {
        try
        {
            return DocumentKey.Validate(Uri.UnescapeDataString(key));
        }
        catch (TaskValidationException invalid)
        {
            throw new BadRequestException(StatusCodes.Status400BadRequest, invalid.Code, invalid.Message);
        }
    }
}
