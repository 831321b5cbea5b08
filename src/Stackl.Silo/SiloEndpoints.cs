using System.Globalization;
using System.Text;
using Stackl.Runtime.Storage;
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
        app.MapGet("/health", (Runtime.Hosting.Silo silo) =>
        {
            var healthy = silo.Status == Runtime.SiloStatus.Active;
            return Results.Json(
                new { status = healthy ? "Healthy" : "Unhealthy", silo = silo.Name, siloStatus = silo.Status.ToString(), activations = silo.ActivationCount },
                statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).WithName("Health");

        app.MapGet("/metrics", WriteMetricsAsync).WithName("Metrics");
        return app;
    }

    private static async Task<IResult> WriteMetricsAsync(
        Runtime.Hosting.Silo silo,
        PrometheusExporter exporter,
        ITaskIndex taskIndex,
        IReminderStore reminders,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var siloLabel = $"silo=\"{PrometheusText.EscapeLabel(silo.Name)}\"";
        var text = new StringBuilder();
        text.AppendLine("# HELP stackl_activations Grain activations held by this silo.");
        text.AppendLine("# TYPE stackl_activations gauge");
        text.AppendLine(CultureInfo.InvariantCulture, $"stackl_activations{{{siloLabel}}} {silo.ActivationCount}");
        text.AppendLine("# HELP stackl_reminders_armed Reminders armed in memory (due within the poll horizon).");
        text.AppendLine("# TYPE stackl_reminders_armed gauge");
        text.AppendLine(CultureInfo.InvariantCulture, $"stackl_reminders_armed{{{siloLabel}}} {silo.ArmedReminderCount}");
        text.AppendLine("# HELP stackl_silo_up 1 while the silo is active.");
        text.AppendLine("# TYPE stackl_silo_up gauge");
        text.AppendLine(CultureInfo.InvariantCulture, $"stackl_silo_up{{{siloLabel}}} {(silo.Status == Runtime.SiloStatus.Active ? 1 : 0)}");

        // The database figures are cluster-wide and cost one indexed query each; a failing database leaves them out, not the rest.
        var logger = loggerFactory.CreateLogger("Stackl.Silo.Metrics");
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

        try
        {
            var now = timeProvider.GetUtcNow();
            var oldestDue = await reminders.GetDueAsync(now, 1, cancellationToken);
            var overdue = oldestDue.Count == 0 ? 0 : Math.Max(0, (now - oldestDue[0].DueAt).TotalSeconds);
            PrometheusText.Gauge(
                text,
                "stackl_reminders_overdue_seconds",
                "How long the oldest undelivered reminder is past its due time (0 when none is due); grows when reminders are not being delivered.",
                [(siloLabel, overdue)]);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            SiloLog.MetricUnavailable(logger, exception, "stackl_reminders_overdue_seconds");
        }

        exporter.WriteTo(text, silo.Name);
        return Results.Text(text.ToString(), PrometheusText.ContentType);
    }
}
