using System.Globalization;
using System.Text;
using Stackl.Silo.Metrics;
using Stackl.Storage;
using Stackl.Tasks;
using Stackl.Tasks.Queries;

namespace Stackl.Silo;

/// <summary>Maps the silo's operational endpoints: <c>/health</c> and <c>/metrics</c>.</summary>
public static class SiloEndpoints
{
    private static readonly TimeSpan s_storageCheckTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Maps <c>/health/live</c>, <c>/health/ready</c> (and <c>/health</c>, the same), JSON with 503 when not ready, and <c>/metrics</c> (Prometheus text format).</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapSiloEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", (LocalSilo silo) => Results.Json(new { status = "Alive", silo = silo.Name }))
            .WithName("Liveness").WithSummary("200 while the process runs: restart the silo only when this fails.");
        app.MapGet("/health/ready", ReadinessAsync)
            .WithName("Readiness").WithSummary("200 when the silo is an active Orleans member and its database answers; 503 with the reason otherwise.");
        app.MapGet("/health", ReadinessAsync)
            .WithName("Health").WithSummary("The same as /health/ready.");
        app.MapGet("/metrics", WriteMetricsAsync).WithName("Metrics");
        return app;
    }

    private static async Task<IResult> ReadinessAsync(LocalSilo silo, IServiceProvider services, CancellationToken cancellationToken)
    {
        string storage;
        if (services.GetService<StorageEngine>() is not { } engine)
        {
            storage = "none";
        }
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(s_storageCheckTimeout);
                await engine.CheckAsync(timeout.Token);
                storage = "Available";
            }
            catch (Exception exception) when (exception is StorageUnavailableException or OperationCanceledException)
            {
                storage = "Unavailable";
            }
        }

        // A stopping silo is alive but not ready, so load balancers send new work elsewhere while its tasks finish.
        var draining = services.GetService<Stackl.Tasks.Execution.TaskDrain>() is { IsDraining: true };
        var ready = silo.IsActive && storage != "Unavailable" && !draining;
        return Results.Json(
            new { status = ready ? "Healthy" : draining ? "Draining" : "Unhealthy", silo = silo.Name, siloStatus = silo.Status.ToString(), storage },
            statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> WriteMetricsAsync(
        LocalSilo silo,
        PrometheusExporter exporter,
        ITaskIndex taskIndex,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var siloLabel = $"silo=\"{PrometheusText.EscapeLabel(silo.Name)}\"";
        var text = new StringBuilder();
        var logger = loggerFactory.CreateLogger("Stackl.Silo.Metrics");
        try
        {
            var activations = await silo.GetActivationCountAsync(cancellationToken);
            text.AppendLine("# HELP stackl_activations Grain activations held by this silo.");
            text.AppendLine("# TYPE stackl_activations gauge");
            text.AppendLine(CultureInfo.InvariantCulture, $"stackl_activations{{{siloLabel}}} {activations}");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SiloLog.MetricUnavailable(logger, exception, "stackl_activations");
        }

        text.AppendLine("# HELP stackl_silo_up 1 while the silo is active.");
        text.AppendLine("# TYPE stackl_silo_up gauge");
        text.AppendLine(CultureInfo.InvariantCulture, $"stackl_silo_up{{{siloLabel}}} {(silo.IsActive ? 1 : 0)}");

        // The database figures are cluster-wide and cost one indexed query each; a failing database leaves them out, not the rest.
        try
        {
            var counts = await taskIndex.CountByStatusAsync(cancellationToken);
            PrometheusText.Gauge(
                text,
                "stackl_tasks",
                "Tasks in the task table by status (cluster-wide, read from its status index at scrape time).",
                counts.OrderBy(c => c.Key).Select(c => ($"{siloLabel},status=\"{c.Key}\"", (double)c.Value)));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SiloLog.MetricUnavailable(logger, exception, "stackl_tasks");
        }

        ProcessMetrics.WriteTo(text, siloLabel);
        exporter.WriteTo(text, silo.Name);
        return Results.Text(text.ToString(), PrometheusText.ContentType);
    }
}
