using System.Globalization;
using System.Text;

namespace Stackl.Silo.Metrics;

/// <summary>Escaping and number formatting of the Prometheus text exposition format (version 0.0.4).</summary>
internal static class PrometheusText
{
    /// <summary>The response content type.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    public static string EscapeLabel(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string EscapeHelp(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A tag key as a label name: letters, digits and underscores only.</summary>
    public static string LabelName(string key)
    {
        var name = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return name.ToString();
    }

    /// <summary>Appends a gauge with its help and type lines.</summary>
    public static void Gauge(StringBuilder text, string name, string help, IEnumerable<(string Labels, double Value)> series)
    {
        text.Append("# HELP ").Append(name).Append(' ').AppendLine(EscapeHelp(help));
        text.Append("# TYPE ").Append(name).AppendLine(" gauge");
        foreach (var (labels, value) in series)
        {
            text.Append(name).Append('{').Append(labels).Append("} ").AppendLine(Number(value));
        }
    }
}
