using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Stackl.Contracts;
using Stackl.Silo.Api;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>Maps <c>/api/keys</c>: create, list and revoke API keys (the <c>admin</c> grant).</summary>
public static class KeysApi
{
    /// <summary>Maps the key endpoints.</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/keys").WithTags("Security");
        keys.MapPost("", CreateAsync).WithName("CreateKey").WithSummary("Creates an API key for a role; the answer holds the key, shown this once (only a salted hash is stored).");
        keys.MapGet("", ListAsync).WithName("ListKeys").WithSummary("Lists API keys (never their secrets), revoked ones included.");
        keys.MapDelete("/{idOrName}", RevokeAsync).WithName("RevokeKey").WithSummary("Revokes an API key by id or name; every silo refuses it within Stackl:Auth:KeyCacheDuration.");
        app.MapGet("/api/whoami", WhoAmI).WithTags("Security").WithName("WhoAmI").WithSummary("The caller's name, role and grants.");
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, ApiRequest api, ApiKeyService service, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        caller.DemandAdmin();
        var body = await api.ReadJsonAsync(context.Request, cancellationToken);
        var request = ParseRequest(body);
        AuditTrail.Target(context, $"key {request.Name} ({request.Role})");
        var created = await service.CreateAsync(request.Name, request.Role, caller.Name, cancellationToken);
        return created is null
            ? ApiProblems.Problem(StatusCodes.Status409Conflict, "key_exists", $"A key named '{request.Name}' exists (revoked keys keep their names); choose another name.")
            : TypedResults.Created($"/api/keys/{created.Description.Id}", created);
    }

    private static ApiKeyRequest ParseRequest(JsonElement body)
    {
        const string Example = "send {\"name\": \"ci-bot\", \"role\": \"producer\"}";
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new BadRequestException($"The body must be a JSON object; {Example}.");
        }

        string? name = null, role = null;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            switch (property.Name)
            {
                case "name":
                    name = value ?? throw new BadRequestException($"name must be a string; {Example}.");
                    break;
                case "role":
                    role = value ?? throw new BadRequestException($"role must be a string; {Example}.");
                    break;
                default:
                    throw new BadRequestException($"'{property.Name}' is not a key field; the fields are name and role.");
            }
        }

        return new ApiKeyRequest(name ?? throw new BadRequestException($"name is required; {Example}."), role ?? throw new BadRequestException($"role is required; {Example}."));
    }

    private static async Task<Ok<IReadOnlyList<ApiKeyView>>> ListAsync(HttpContext context, ApiKeyService service, CancellationToken cancellationToken)
    {
        context.Caller().DemandAdmin();
        return TypedResults.Ok(await service.ListAsync(cancellationToken));
    }

    private static async Task<IResult> RevokeAsync(string idOrName, HttpContext context, ApiKeyService service, CancellationToken cancellationToken)
    {
        context.Caller().DemandAdmin();
        return await service.RevokeAsync(idOrName, cancellationToken) is { } revoked
            ? TypedResults.Ok(revoked)
            : ApiProblems.NotFound($"No key has the id or name '{idOrName}'; list them with GET /api/keys.");
    }

    private static IResult WhoAmI(HttpContext context)
    {
        var caller = context.Caller();
        return Results.Json(new
        {
            name = caller.Name,
            role = caller.Role,
            authenticated = caller.IsAuthenticated,
            grants = GrantsView.Of(caller),
        });
    }
}
