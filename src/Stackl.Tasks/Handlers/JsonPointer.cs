using System.Globalization;
using System.Text.Json.Nodes;

namespace Stackl.Tasks.Handlers;

/// <summary>RFC 6901 JSON pointers over <see cref="JsonNode"/>: <c>""</c> is the whole document, <c>/a/0/b~1c</c> a member path.</summary>
internal static class JsonPointer
{
    /// <summary>True when <paramref name="pointer"/> is syntactically a JSON pointer.</summary>
    public static bool IsValid(string pointer) => pointer.Length == 0 || (pointer[0] == '/' && !HasBadEscape(pointer));

    /// <summary>The reference tokens of a pointer, unescaped.</summary>
    public static string[] Tokens(string pointer) =>
        pointer.Length == 0 ? [] : [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    /// <summary>Finds the node a pointer names; false when a step is missing. A JSON null value is found (as null).</summary>
    public static bool TryResolve(JsonNode? root, string[] tokens, int count, out JsonNode? node)
    {
        node = root;
        for (var i = 0; i < count; i++)
        {
            if (!TryStep(node, tokens[i], out node))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One step: a member of an object or an element of an array.</summary>
    public static bool TryStep(JsonNode? node, string token, out JsonNode? child)
    {
        child = null;
        switch (node)
        {
            case JsonObject obj:
                return obj.TryGetPropertyValue(token, out child);
            case JsonArray array when TryIndex(token, out var index) && index < array.Count:
                child = array[index];
                return true;
            default:
                return false;
        }
    }

    /// <summary>Parses an array index token (digits, no leading zero).</summary>
    public static bool TryIndex(string token, out int index)
    {
        index = -1;
        return token.Length > 0 && (token == "0" || token[0] != '0') && token.All(char.IsAsciiDigit) &&
            int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static bool HasBadEscape(string pointer)
    {
        for (var i = 0; i < pointer.Length; i++)
        {
            if (pointer[i] == '~' && (i + 1 >= pointer.Length || (pointer[i + 1] != '0' && pointer[i + 1] != '1')))
            {
                return true;
            }
        }

        return false;
    }
}
