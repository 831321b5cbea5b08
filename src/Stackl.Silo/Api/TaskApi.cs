using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Stackl.Contracts;
using Stackl.Tasks;
using Stackl.Tasks.Events;
using Stackl.Tasks.Queries;
using Stackl.Tasks.Security;
using Stackl.Silo.Limits;
using Stackl.Silo.Security;

namespace Stackl.Silo.Api;

/// <summary>Maps <c>/api/tasks</c>: submit, read, wait, list, cancel and stream tasks.</summary>
public static class TaskApi
{
    private static readonly string[] s_specFields = ["topic", "subtype", "payload", "documents", "timeout", "idempotencyKey", "source"];
    private static readonly JsonElement s_emptyPayload = EmptyObject();

    /// <summary>Maps the task endpoints.</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapTaskApi(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks").WithTags("Tasks").WithStacklLimits();
        tasks.MapPost("", SubmitAsync).WithName("SubmitTask")
            .WithSummary("Submits a task; with ?wait= answers 200 with the final task when it ends within the wait, else 202 with its Location.");
        tasks.MapGet("", ListAsync).WithName("ListTasks").WithSummary("Lists tasks newest first, filtered by status and topic; page with ?after=<last id>.");
        tasks.MapGet("/{id}", GetAsync).WithName("GetTask").WithSummary("Reads a task; with ?wait= waits until it is final or the wait ends.");
        tasks.MapGet("/{id}/steps/{name}", GetStepAsync).WithName("GetFlowStep").WithSummary("Reads one step of a flow (its id is <flow id>/<step name>): status, attempts, result, error, revert order and timeline.");
        tasks.MapPost("/{id}/cancel", CancelAsync).WithName("CancelTask").WithSummary("Cancels a task that has not committed; its rollback runs and it ends Cancelled.");
        tasks.MapGet("/{id}/events", StreamAsync).WithName("StreamTaskEvents").WithSummary("Server-sent events of one task: its log lines and status now, then every log line and transition until it is final. Each event's id is <log lines>.<status ordinal>; reconnect with Last-Event-ID (or ?lastEventId=), to any silo, to get only what you missed.");
        app.MapGet("/api/events", StreamAllAsync).WithStacklLimits().WithTags("Tasks").WithName("StreamEvents").WithSummary("Server-sent events of every task (in PostgreSQL mode every silo's), optionally of one topic; ids are <task id>/<position>. Live only: Last-Event-ID is not honoured, so events missed while disconnected are not replayed; re-read GET /api/tasks after a reconnect.");
        return app;
    }

    /// <summary>Answers with the task: 200 when final (after waiting up to <paramref name="wait"/>), else 202 with its location.</summary>
    internal static async Task<Results<Ok<TaskView>, Accepted<TaskView>>> AnswerAsync(TaskService service, TaskView task, TimeSpan? wait, CancellationToken cancellationToken)
    {
        return Answer(!task.Status.IsFinal() && wait is { } w ? await service.GetAsync(task.Id, w, cancellationToken) ?? task : task);
    }

    /// <summary>200 with a final task, else 202 with its location.</summary>
    internal static Results<Ok<TaskView>, Accepted<TaskView>> Answer(TaskView task) =>
        task.Status.IsFinal() ? TypedResults.Ok(task) : TypedResults.Accepted($"/api/tasks/{task.Id}", task);

    /// <summary>The <c>Idempotency-Key</c> header, if any.</summary>
    internal static string? IdempotencyKey(HttpRequest request) =>
        request.Headers.TryGetValue("Idempotency-Key", out var value) && value.Count > 0 ? value.ToString() : null;

    private static async Task<Results<Ok<TaskView>, Accepted<TaskView>>> SubmitAsync(HttpRequest request, ApiRequest api, TaskService service, CancellationToken cancellationToken)
    {
        var wait = api.Wait(request);
        var spec = ParseSpec(await api.ReadJsonAsync(request, cancellationToken), IdempotencyKey(request));
        AuditTrail.Target(request.HttpContext, $"{spec.Topic}/{spec.Subtype}");
        var task = await service.SubmitAsync(spec, wait, request.HttpContext.Caller(), cancellationToken);
        AuditTrail.Target(request.HttpContext, $"task {task.Id} ({spec.Topic}/{spec.Subtype})");
        return Answer(task);
    }

    private static async Task<IResult> GetAsync(string id, HttpRequest request, ApiRequest api, TaskService service, CancellationToken cancellationToken)
    {
        var wait = api.Wait(request);
        var caller = request.HttpContext.Caller();
        if (caller.Grants.Tasks != TaskScope.All)
        {
            // Whose task it is decides before any wait: a refused caller must not learn when another's task ends.
            if (await service.GetAsync(id, cancellationToken: cancellationToken) is not { } before)
            {
                return UnknownTask(id);
            }

            caller.DemandSee(before);
        }

        return await service.GetAsync(id, wait, cancellationToken) is { } task ? TypedResults.Ok(task) : UnknownTask(id);
    }

    private static async Task<IResult> GetStepAsync(string id, string name, HttpRequest request, TaskService service, CancellationToken cancellationToken)
    {
        if (await service.GetAsync(id, cancellationToken: cancellationToken) is not { } flow)
        {
            return UnknownTask(id);
        }

        request.HttpContext.Caller().DemandSee(flow);
        return flow.Steps?.FirstOrDefault(s => s.Name == name) is { } step
            ? TypedResults.Ok(step)
            : ApiProblems.NotFound(flow.Steps is null
                ? $"Task {id} is a {flow.Topic}/{flow.Subtype} task, not a flow: it has no steps."
                : $"Flow {id} has no step '{name}'; its steps: {string.Join(", ", flow.Steps.Select(s => s.Name))}.");
    }

    private static async Task<Ok<Page<TaskView>>> ListAsync(HttpRequest request, ApiRequest api, ITaskIndex index, string? status, string? topic, string? after, CancellationToken cancellationToken)
    {
        TaskStatus? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            statusFilter = Enum.TryParse<TaskStatus>(status, ignoreCase: true, out var parsed) && !int.TryParse(status, out _)
                ? parsed
                : throw new BadRequestException($"status is '{status}'; use one of {string.Join(", ", Enum.GetNames<TaskStatus>())}.");
        }

        var limit = api.Limit(request);
        var source = request.HttpContext.Caller().ListedSource();
        var items = await index.ListAsync(new TaskQuery(statusFilter, string.IsNullOrEmpty(topic) ? null : topic, string.IsNullOrEmpty(after) ? null : after, limit, source), cancellationToken);
        return TypedResults.Ok(new Page<TaskView>(items, items.Count == limit ? items[^1].Id : null));
    }

    private static async Task<IResult> CancelAsync(string id, HttpRequest request, ApiRequest api, TaskService service, CancellationToken cancellationToken)
    {
        var wait = api.Wait(request);
        var before = await service.GetAsync(id, cancellationToken: cancellationToken);
        if (before is null)
        {
            return UnknownTask(id);
        }

        request.HttpContext.Caller().DemandCancel(before);

        if (before.Status.IsFinal())
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "task_final", $"Task {id} is already {before.Status}; a final status never changes.");
        }

        var after = await service.CancelAsync(id, request.HttpContext.Caller(), cancellationToken) ?? before;
        if (after.Status == TaskStatus.Running || (after.Status.IsFinal() && after.Status != TaskStatus.Cancelled))
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "task_committing", $"Task {id} had already decided to commit and cannot be cancelled; it completes. Its status is {after.Status}.");
        }

        return (await AnswerAsync(service, after, wait, cancellationToken)).Result;
    }

    private static async Task StreamAsync(string id, HttpContext context, TaskService service, TaskEventHub hub, CancellationToken cancellationToken)
    {
        if (!TryGetResumePosition(context.Request, out var from))
        {
            await ApiProblems.Problem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, $"Last-Event-ID '{LastEventId(context.Request)}' is not an id of this stream: ids look like 3.1 (<log lines>.<status ordinal>), as the stream sent them.").ExecuteAsync(context);
            return;
        }

        // Subscribe before reading the task, so no transition falls between the two (the stream drops what the read already covers).
        using var subscription = hub.Subscribe();
        if (await service.GetAsync(id, cancellationToken: cancellationToken) is not { } task)
        {
            await UnknownTask(id).ExecuteAsync(context);
            return;
        }

        context.Caller().DemandSee(task);

        var sse = new ServerSentEvents(context);
        var stream = new TaskEventStream(sse, service, id, from);
        try
        {
            await sse.StartAsync(cancellationToken);
            await stream.CatchUpAsync(task, cancellationToken);
            await stream.FollowAsync(subscription, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; it resumes with the last id it got.
        }
    }

    private static async Task StreamAllAsync(HttpContext context, TaskEventHub hub, string? topic, CancellationToken cancellationToken)
    {
        context.Caller().DemandAllTasks("follow every task's events (follow one task at /api/tasks/{id}/events)");
        using var subscription = hub.Subscribe();
        var sse = new ServerSentEvents(context);
        try
        {
            await sse.StartAsync(cancellationToken);
            while (await sse.WaitAsync(subscription, cancellationToken) != ServerSentEvents.Wait.Ended)
            {
                while (subscription.Reader.TryRead(out var taskEvent))
                {
                    if (string.IsNullOrEmpty(topic) || taskEvent.Topic == topic)
                    {
                        // Names the event (task and position in its stream); Last-Event-ID is not honoured here: see the endpoint's summary.
                        await sse.WriteAsync(taskEvent, taskEvent.Position is { } position ? $"{taskEvent.TaskId}/{position}" : taskEvent.TaskId, cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    /// <summary>The position a reconnecting client asks to resume from: <c>Last-Event-ID</c>, else <c>?lastEventId=</c> (for polyfills that cannot set headers); none for a new stream.</summary>
    private static bool TryGetResumePosition(HttpRequest request, out TaskEventPosition position)
    {
        position = TaskEventPosition.None;
        var text = LastEventId(request);
        return string.IsNullOrEmpty(text) || TaskEventPosition.TryParse(text.Trim(), out position);
    }

    private static string? LastEventId(HttpRequest request) =>
        request.Headers.TryGetValue("Last-Event-ID", out var header) && header.Count > 0 ? header.ToString()
        : request.Query.TryGetValue("lastEventId", out var query) && query.Count > 0 ? query.ToString()
        : null;

    private static IResult UnknownTask(string id) =>
        ApiProblems.NotFound(Tasks.Execution.TaskId.IsWellFormed(id)
            ? $"No task has id '{id}'."
            : $"'{id}' is not a task id: task ids are {Tasks.Execution.TaskId.Length} characters of lowercase base32, as returned by POST /api/tasks.");

    internal static TaskSpec ParseSpec(JsonElement body, string? idempotencyHeader)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("The body must be a JSON object such as {\"topic\": \"demo\", \"subtype\": \"echo\", \"payload\": {}}.");
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!s_specFields.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new BadRequestException($"'{property.Name}' is not a task field; the fields are {string.Join(", ", s_specFields)}.");
            }
        }

        var documents = body.TryGetProperty("documents", out var docs) && docs.ValueKind != JsonValueKind.Null
            ? docs.ValueKind == JsonValueKind.Array && docs.EnumerateArray().All(d => d.ValueKind == JsonValueKind.String)
                ? docs.EnumerateArray().Select(d => d.GetString()!).ToList()
                : throw new BadRequestException("documents must be an array of document keys such as [\"environment/prod\"].")
            : null;
        var timeout = OptionalString(body, "timeout") is { } text ? ApiRequest.Duration("timeout", text) : (TimeSpan?)null;
        return new TaskSpec(
            RequiredString(body, "topic"),
            RequiredString(body, "subtype"),
            body.TryGetProperty("payload", out var payload) ? payload : s_emptyPayload,
            documents,
            timeout,
            OptionalString(body, "idempotencyKey") ?? idempotencyHeader,
            OptionalString(body, "source"));
    }

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }

    private static string RequiredString(JsonElement body, string name) =>
        OptionalString(body, name) is { Length: > 0 } value ? value : throw new BadRequestException($"{name} is required and must be a non-empty string.");

    private static string? OptionalString(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new BadRequestException(name == "timeout"
                ? $"timeout must be a duration string such as \"30s\" or \"PT30S\", not a {value.ValueKind.ToString().ToLowerInvariant()}."
                : $"{name} must be a string, not a {value.ValueKind.ToString().ToLowerInvariant()}.");
    }
}
