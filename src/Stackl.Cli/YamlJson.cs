using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Stackl.Cli;

/// <summary>Reads one YAML document as JSON, typing plain scalars by the YAML 1.2 core schema (<c>true</c>, <c>3</c>, <c>null</c>; <c>5s</c> stays a string).</summary>
internal static partial class YamlJson
{
    /// <summary>Converts YAML text to a JSON node.</summary>
    /// <param name="yaml">The text: one document.</param>
    /// <param name="what">What it is, for messages (e.g. the file's path).</param>
    /// <exception cref="UsageException">The text is not YAML, holds more or fewer than one document, or repeats a key.</exception>
    public static JsonNode? Parse(string yaml, string what)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(yaml);
            stream.Load(reader);
        }
        catch (YamlException exception)
        {
            throw new UsageException($"{what} is not valid YAML: {exception.Message}", exception);
        }

        return stream.Documents.Count == 1
            ? Convert(stream.Documents[0].RootNode, what)
            : throw new UsageException($"{what} holds {stream.Documents.Count} YAML documents; give exactly one.");
    }

    private static JsonNode? Convert(YamlNode node, string what) => node switch
    {
        YamlMappingNode mapping => Object(mapping, what),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(c => Convert(c, what))]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new UsageException($"{what} has a YAML node JSON cannot hold, at {node.Start}."),
    };

    private static JsonObject Object(YamlMappingNode mapping, string what)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = key is YamlScalarNode { Value: { } text } ? text : throw new UsageException($"{what}: a key at {key.Start} is not a plain string.");
            if (!result.TryAdd(name, Convert(value, what)))
            {
                throw new UsageException($"{what}: the key '{name}' appears twice at {key.Start}.");
            }
        }

        return result;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any))
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when NumberPattern().IsMatch(text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ when NumberPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var big) => JsonValue.Create(big),
            _ => JsonValue.Create(text),
        };
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberPattern();
}
