using System.Globalization;
using System.Xml;

namespace Stackl.Contracts;

/// <summary>Durations as people write them: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, ISO-8601 (<c>PT30S</c>) or <c>00:00:30</c>.</summary>
public static class Durations
{
    /// <summary>Parses a duration; false when the text is none of the accepted forms or is negative.</summary>
    /// <param name="text">The text.</param>
    /// <param name="duration">The duration.</param>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.StartsWith('P') || text.StartsWith('p'))
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(text.ToUpperInvariant());
                return duration >= TimeSpan.Zero;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        var unitStart = 0;
        while (unitStart < text.Length && (char.IsAsciiDigit(text[unitStart]) || text[unitStart] == '.'))
        {
            unitStart++;
        }

        if (unitStart > 0 && unitStart < text.Length && double.TryParse(text.AsSpan(0, unitStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            double? milliseconds = text[unitStart..].ToLowerInvariant() switch
            {
                "ms" => amount,
                "s" => amount * 1000,
                "m" => amount * 60_000,
                "h" => amount * 3_600_000,
                _ => null,
            };
            if (milliseconds is { } ms && ms <= TimeSpan.MaxValue.TotalMilliseconds)
            {
                duration = TimeSpan.FromMilliseconds(ms);
                return true;
            }

            return false;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }

    /// <summary>Writes a duration in the shortest form <see cref="TryParse"/> reads back (<c>1500ms</c>, <c>30s</c>, <c>5m</c>).</summary>
    /// <param name="duration">The duration.</param>
    public static string Format(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        return ms % 3_600_000 == 0 && ms > 0 ? $"{ms / 3_600_000}h"
            : ms % 60_000 == 0 && ms > 0 ? $"{ms / 60_000}m"
            : ms % 1000 == 0 ? $"{ms / 1000}s"
            : $"{ms}ms";
    }
}
