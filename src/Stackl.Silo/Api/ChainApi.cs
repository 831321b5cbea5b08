using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Stackl.Contracts;
using Stackl.Silo.Limits;
using Stackl.Silo.Security;
using Stackl.Tasks.Chains;

namespace Stackl.Silo.Api;

/// <summary>Maps <c>/api/chains</c>: chain rules that start a follow-up task when a task finishes.</summary>
public static class ChainApi
{
    private static readonly string[] s_fields = ["when", "then"];
    private static readonly string[] s_whenFields = ["topic", "subtype", "status"];

    /// <summary>Maps the chain rule endpoints.</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapChainApi(this IEndpointRouteBuilder app)
    {
        var chains = app.MapGroup("/api/chains").WithTags("Chains").WithStacklLimits();
        chains.MapPut("/{name}", PutAsync).WithName("PutChainRule")
            .WithSummary("Creates or replaces a chain rule: {when: {topic, subtype?, status?: [final statuses]}, then: task}. Each finished task it matches starts one follow-up.");
        chains.MapGet("", ListAsync).WithName("ListChainRules").WithSummary("Lists the chain rules by name.");
        chains.MapGet("/{name}", GetAsync).WithName("GetChainRule").WithSummary("Reads a chain rule.");
        chains.MapDelete("/{name}", DeleteAsync).WithName("DeleteChainRule").WithSummary("Deletes a chain rule; follow-ups already started go on.");
        return app;
    }

    private static async Task<Ok<ChainRuleView>> PutAsync(string name, HttpRequest request, ApiRequest api, ChainService service, CancellationToken cancellationToken)
    {
        var rule = ParseRule(await api.ReadJsonAsync(request, cancellationToken));
        AuditTrail.Target(request.HttpContext, $"chain rule {name}");
        return TypedResults.Ok(await service.PutAsync(name, rule, request.HttpContext.Caller()));
    }

    private static async Task<Ok<IReadOnlyList<ChainRuleView>>> ListAsync(HttpRequest request, ChainService service, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ListAsync(request.HttpContext.Caller(), cancellationToken));

    private static async Task<IResult> GetAsync(string name, HttpRequest request, ChainService service) =>
        await service.GetAsync(name, request.HttpContext.Caller()) is { } rule ? TypedResults.Ok(rule) : Unknown(name);

    private static async Task<IResult> DeleteAsync(string name, HttpRequest request, ChainService service)
    {
        AuditTrail.Target(request.HttpContext, $"chain rule {name}");
        return await service.DeleteAsync(name, request.HttpContext.Caller()) ? TypedResults.NoContent() : Unknown(name);
    }

    private static IResult Unknown(string name) => ApiProblems.NotFound($"No chain rule is named '{name}'; GET /api/chains lists them.");

    private static ChainRuleSpec ParseRule(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("The body must be a JSON object such as {\"when\": {\"topic\": \"demo\", \"subtype\": \"echo\"}, \"then\": {\"topic\": \"demo\", \"subtype\": \"sleep\", \"payload\": {\"ms\": 10}}}.");
        }

        Known(body, s_fields, "chain rule");
        if (!body.TryGetProperty("when", out var when) || when.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException("when is required: {\"topic\", \"subtype\"?, \"status\"?: [\"Completed\"]}, the finished tasks that fire the rule.");
        }

        Known(when, s_whenFields, "when");
        var topic = when.TryGetProperty("topic", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : throw new BadRequestException("when.topic must be a string.");
        var subtype = !when.TryGetProperty("subtype", out var st) || st.ValueKind == JsonValueKind.Null ? null
            : st.ValueKind == JsonValueKind.String ? st.GetString() : throw new BadRequestException("when.subtype must be a string.");
        List<TaskStatus>? statuses = null;
        if (when.TryGetProperty("status", out var status) && status.ValueKind != JsonValueKind.Null)
        {
            var items = status.ValueKind == JsonValueKind.Array ? status.EnumerateArray().ToList() : [status];
            statuses = [.. items.Select(item => item.ValueKind == JsonValueKind.String && Enum.TryParse<TaskStatus>(item.GetString(), ignoreCase: true, out var parsed) && !int.TryParse(item.GetString(), out _)
                ? parsed
                : throw new BadRequestException($"when.status must be a status or a list of them: {string.Join(", ", Enum.GetNames<TaskStatus>())}."))];
        }

        var then = body.TryGetProperty("then", out var thenBody)
            ? TaskApi.ParseSpec(thenBody, idempotencyHeader: null)
            : throw new BadRequestException("then is required: the follow-up task, such as {\"topic\": \"demo\", \"subtype\": \"echo\", \"payload\": {}}.");
        return new ChainRuleSpec(new ChainTrigger(topic, subtype, statuses), then);
    }

    private static void Known(JsonElement body, string[] fields, string what)
    {
        if (body.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !fields.Contains(n, StringComparer.Ordinal)) is { } unknown)
        {
            throw new BadRequestException($"'{unknown}' is not a field of a {what}; the fields are {string.Join(", ", fields)}.");
        }
    }
}
