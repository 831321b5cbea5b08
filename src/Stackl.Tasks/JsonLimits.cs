using System.Text.Json;

namespace Stackl.Tasks;

/// <summary>What a JSON value must be for Stackl to store it and serve it again: bounded nesting, and strings every reader decodes.</summary>
public static class JsonLimits
{
    /// <summary>The deepest nesting of objects and arrays a payload may have: 48.</summary>
    /// <remarks>
    /// Every answer wraps a payload (a task view in a page, a document in its history) and System.Text.Json writes at most 64 levels:
    /// a payload nested deeper would be stored and then fail every listing that shows it.
    /// </remarks>
    public const int MaxDepth = 48;

    /// <summary>Why <paramref name="value"/> cannot be stored and served (to follow "payload" or "the body"), or null when it can.</summary>
    /// <remarks>
    /// System.Text.Json checks a string's bytes and escapes only when the string is read: a lone surrogate escape (<c>"\ud800"</c>)
    /// parses, and then fails the first read (or the storage's write) with an <see cref="InvalidOperationException"/>.
    /// </remarks>
    /// <param name="value">The value.</param>
    /// <param name="maxDepth">The deepest nesting allowed.</param>
    public static string? Problem(JsonElement value, int maxDepth = MaxDepth)
    {
        try
        {
            return Deeper(value, maxDepth) ? $"nests objects and arrays more than {maxDepth} levels deep; flatten it." : null;
        }
        catch (InvalidOperationException)
        {
            return "holds a string that is not valid Unicode (a lone surrogate escape such as \\ud800); escape only whole surrogate pairs.";
        }
    }

    private static bool Deeper(JsonElement element, int levels)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (levels == 0)
                {
                    return true;
                }

                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name; // decoded for the same reason as a string value
                    if (Deeper(property.Value, levels - 1))
                    {
                        return true;
                    }
                }

                return false;

            case JsonValueKind.Array:
                return levels == 0 || element.EnumerateArray().Any(item => Deeper(item, levels - 1));

            case JsonValueKind.String:
                // Read only to decode it: an undecodable string throws here, not in a later answer.
                return element.GetString() is null;

            default:
                return false;
        }
    }
}
