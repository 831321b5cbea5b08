using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary>Reads what people type: JSON given inline or as <c>@file</c>, durations such as <c>30s</c>.</summary>
internal static class CliInput
{
    /// <summary>A duration option (<c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>PT30S</c>); a malformed value is a parse error.</summary>
    /// <param name="name">The option name.</param>
    /// <param name="description">Its help text.</param>
    public static Option<TimeSpan?> DurationOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "duration",
        CustomParser = ParseDuration,
    };

    /// <summary>Parses JSON given inline, as <c>@path</c> (a file) or <c>@-</c> (standard input).</summary>
    /// <param name="text">The argument.</param>
    /// <param name="what">What it is, for the message (e.g. <c>payload</c>).</param>
    public static JsonElement Json(string text, string what)
    {
        var json = text;
        if (text.StartsWith('@'))
        {
            var path = text[1..];
            try
            {
                json = path == "-" ? System.Console.In.ReadToEnd() : File.ReadAllText(path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new UsageException($"Cannot read the {what} from '{path}': {exception.Message}", exception);
            }
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new UsageException($"The {what} is not valid JSON ({exception.Message}); write it like '{{\"ms\": 500}}', or give @file.json.", exception);
        }
    }

    /// <summary>Splits <c>k1,k2</c> into keys, dropping empty entries.</summary>
    /// <param name="list">The comma-separated list, or null.</param>
    public static IReadOnlyList<string>? Keys(string? list) =>
        list is null ? null : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (Durations.TryParse(text, out var duration))
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration; write one such as 500ms, 30s, 5m or PT30S.");
        return null;
    }
}
