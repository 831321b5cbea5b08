using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Stackl.Contracts;
using Stackl.Silo.Limits;
using Stackl.Silo.Security;
using Stackl.Tasks.Schedules;

namespace Stackl.Silo.Api;

/// <summary>Maps <c>/api/schedules</c>: write, read, list, pause, resume, trigger and delete schedules.</summary>
public static class ScheduleApi
{
    private static readonly string[] s_fields = ["cron", "timeZone", "task", "overlap", "catchUp", "enabled"];

    /// <summary>Maps the schedule endpoints.</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapScheduleApi(this IEndpointRouteBuilder app)
    {
        var schedules = app.MapGroup("/api/schedules").WithTags("Schedules").WithStacklLimits();
        schedules.MapPut("/{name}", PutAsync).WithName("PutSchedule")
            .WithSummary("Creates or replaces a schedule: {cron, timeZone?, task, overlap?: skip|queue|allow, catchUp?: none|last|all, enabled?}. Each due time starts one task.");
        schedules.MapGet("", ListAsync).WithName("ListSchedules").WithSummary("Lists schedules by name with their last and next runs; page with ?after=<last name>.");
        schedules.MapGet("/{name}", GetAsync).WithName("GetSchedule").WithSummary("Reads a schedule.");
        schedules.MapDelete("/{name}", DeleteAsync).WithName("DeleteSchedule").WithSummary("Deletes a schedule; runs already started go on.");
        schedules.MapPost("/{name}/pause", (string name, HttpRequest request, ScheduleService service) => SetEnabledAsync(name, false, request, service))
            .WithName("PauseSchedule").WithSummary("Pauses a schedule: no run starts until it is resumed.");
        schedules.MapPost("/{name}/resume", (string name, HttpRequest request, ScheduleService service) => SetEnabledAsync(name, true, request, service))
            .WithName("ResumeSchedule").WithSummary("Resumes a schedule; the runs it missed while paused are made up for as its catchUp says.");
        schedules.MapPost("/{name}/trigger", TriggerAsync).WithName("TriggerSchedule").WithSummary("Starts a run now, outside the cron; answers with its task.");
        return app;
    }

    private static async Task<Ok<ScheduleView>> PutAsync(string name, HttpRequest request, ApiRequest api, ScheduleService service, CancellationToken cancellationToken)
    {
        var spec = ParseSchedule(await api.ReadJsonAsync(request, cancellationToken));
        AuditTrail.Target(request.HttpContext, $"schedule {name}");
        return TypedResults.Ok(await service.PutAsync(name, spec, request.HttpContext.Caller()));
    }

    private static async Task<Ok<Page<ScheduleView>>> ListAsync(HttpRequest request, ApiRequest api, ScheduleService service, string? after, CancellationToken cancellationToken)
    {
        var limit = api.Limit(request);
        var items = await service.ListAsync(after, limit, request.HttpContext.Caller(), cancellationToken);
        return TypedResults.Ok(new Page<ScheduleView>(items, items.Count == limit ? items[^1].Name : null));
    }

    private static async Task<IResult> GetAsync(string name, HttpRequest request, ScheduleService service) =>
        await service.GetAsync(name, request.HttpContext.Caller()) is { } schedule ? TypedResults.Ok(schedule) : Unknown(name);

    private static async Task<IResult> DeleteAsync(string name, HttpRequest request, ScheduleService service)
    {
        AuditTrail.Target(request.HttpContext, $"schedule {name}");
        return await service.DeleteAsync(name, request.HttpContext.Caller()) ? TypedResults.NoContent() : Unknown(name);
    }

    private static async Task<IResult> SetEnabledAsync(string name, bool enabled, HttpRequest request, ScheduleService service)
    {
        AuditTrail.Target(request.HttpContext, $"schedule {name}");
        return await service.SetEnabledAsync(name, enabled, request.HttpContext.Caller()) is { } schedule ? TypedResults.Ok(schedule) : Unknown(name);
    }

    private static async Task<IResult> TriggerAsync(string name, HttpRequest request, ScheduleService service)
    {
        AuditTrail.Target(request.HttpContext, $"schedule {name}");
        return await service.TriggerAsync(name, request.HttpContext.Caller()) is { } task ? TypedResults.Ok(task) : Unknown(name);
    }

    private static IResult Unknown(string name) => ApiProblems.NotFound($"No schedule is named '{name}'; GET /api/schedules lists them.");

    private static ScheduleSpec ParseSchedule(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("The body must be a JSON object such as {\"cron\": \"0 */5 * * * *\", \"task\": {\"topic\": \"demo\", \"subtype\": \"echo\"}}.");
        }

        if (body.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !s_fields.Contains(n, StringComparer.Ordinal)) is { } unknown)
        {
            throw new BadRequestException($"'{unknown}' is not a schedule field; the fields are {string.Join(", ", s_fields)}.");
        }

        var cron = String(body, "cron") ?? throw new BadRequestException("cron is required: a cron expression such as \"0 */5 * * * *\" (with seconds) or \"*/5 * * * *\".");
        var task = body.TryGetProperty("task", out var taskBody)
            ? TaskApi.ParseSpec(taskBody, idempotencyHeader: null)
            : throw new BadRequestException("task is required: the task each run submits, such as {\"topic\": \"demo\", \"subtype\": \"echo\", \"payload\": {}}.");
        bool? enabled = body.TryGetProperty("enabled", out var enabledValue)
            ? enabledValue.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new BadRequestException("enabled must be true or false."),
            }
            : null;
        return new ScheduleSpec(cron, task, String(body, "timeZone"), Choice<ScheduleOverlap>(body, "overlap"), Choice<ScheduleCatchUp>(body, "catchUp"), enabled);
    }

    private static string? String(JsonElement body, string field) =>
        !body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new BadRequestException($"{field} must be a string.");

    private static TEnum? Choice<TEnum>(JsonElement body, string field)
        where TEnum : struct, Enum =>
        String(body, field) is not { } text ? null
        : Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && !int.TryParse(text, out _) ? value
        : throw new BadRequestException($"{field} is '{text}'; use one of {string.Join(", ", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()))}.");
}
