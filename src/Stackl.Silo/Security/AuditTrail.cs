using Microsoft.AspNetCore.Routing;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>
/// Writes an audit event for every state-changing HTTP request once it is answered: who (the principal the auth gate
/// established, or <c>unauthenticated</c>), what (the endpoint's name), on what (the task, document or key it names) and how
/// it ended. Outermost in the pipeline, so refusals of every kind (401, 403, 4xx, 5xx) are recorded too.
/// </summary>
internal sealed class AuditTrail(RequestDelegate next, ILoggerFactory loggers)
{
    private const string TargetItem = "stackl.audit.target";
    private readonly ILogger _audit = loggers.CreateLogger(AuditLog.Category);

    /// <summary>Names the target of the request's audit event (e.g. the task a submit created), when the path does not say it.</summary>
    public static void Target(HttpContext context, string target) => context.Items[TargetItem] = target;

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            await next(context);
            return;
        }

        // Read before the request runs: the exception handler clears the endpoint of a request that failed.
        var action = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"{method} {context.Request.Path}";
        try
        {
            await next(context);
        }
        finally
        {
            var principal = context.Features.Get<StacklPrincipal>()?.Name ?? "unauthenticated";
            var target = context.Items[TargetItem] as string ?? RouteTarget(context) ?? context.Request.Path.ToString();
            AuditLog.Write(_audit, principal, action, target, AuditLog.OutcomeOf(context.Response.StatusCode), context.Response.StatusCode);
        }
    }

    private static string? RouteTarget(HttpContext context)
    {
        var values = context.Request.RouteValues;
        foreach (var name in new[] { "id", "key", "idOrName" })
        {
            if (values.TryGetValue(name, out var value) && value is string text && text.Length > 0)
            {
                return text;
            }
        }

        return null;
    }
}
