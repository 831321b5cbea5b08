using System.Globalization;
using System.Text;
using Stackl.Runtime.Hosting;

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

        app.MapGet("/metrics", (Runtime.Hosting.Silo silo) =>
        {
            var text = new StringBuilder();
            text.AppendLine("# HELP stackl_activations Grain activations held by this silo.");
            text.AppendLine("# TYPE stackl_activations gauge");
            text.AppendLine(CultureInfo.InvariantCulture, $"stackl_activations{{silo=\"{silo.Name}\"}} {silo.ActivationCount}");
            text.AppendLine("# HELP stackl_reminders_armed Reminders armed in memory (due within the poll horizon).");
            text.AppendLine("# TYPE stackl_reminders_armed gauge");
            text.AppendLine(CultureInfo.InvariantCulture, $"stackl_reminders_armed{{silo=\"{silo.Name}\"}} {silo.ArmedReminderCount}");
            text.AppendLine("# HELP stackl_silo_up 1 while the silo is active.");
            text.AppendLine("# TYPE stackl_silo_up gauge");
            text.AppendLine(CultureInfo.InvariantCulture, $"stackl_silo_up{{silo=\"{silo.Name}\"}} {(silo.Status == Runtime.SiloStatus.Active ? 1 : 0)}");
            return Results.Text(text.ToString(), "text/plain; version=0.0.4");
        }).WithName("Metrics");
        return app;
    }
}
