using System.Globalization;
using System.Text;
using Stackl.Silo.Metrics;
using Stackl.Tasks.Queries;

namespace Stackl.Silo;

/// <summary>Maps the silo's operational endpoints: <c>/health</c> and <c>/metrics</c>.</summary>
public static class SiloEndpoints
{
    /// <summary>Maps <c>/health</c> (JSON, 503 unless the silo is active) and <c>/metrics</c> (Prometheus text format).</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapSiloEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (LocalSilo silo) =>
        {
            var healthy = silo.IsActive;
            return Results.Json(
                new { status = healthy ? "Healthy" : "Unhealthy", silo = silo.Name, siloStatus = silo.Status.ToString() },
                statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).WithName("Health");

        app.MapGet("/metrics", WriteMetricsAsync).WithName("Metrics");
        return app;
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

        exporter.WriteTo(text, silo.Name);
        return Results.Text(text.ToString(), PrometheusText.ContentType);
    }
}
