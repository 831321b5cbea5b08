using System.Globalization;
using System.Text.Json.Nodes;
using Json.Pointer;

namespace Stackl.Tasks.Handlers;

/// <summary>
/// RFC 6901 JSON pointers (<c>""</c> is the whole document, <c>/a/0/b~1c</c> a member path) as the transaction handler uses them:
/// JsonPointer.Net parses and evaluates them; what is written here covers only where that library reads a pointer otherwise than
/// RFC 6901 does, or has nothing for what the handler needs (writing into the container a path ends in).
/// </summary>
internal static class JsonPointers
{
    /// <summary>Parses a path; false when it is not a JSON pointer.</summary>
    /// <remarks>
    /// The library also takes the URI fragment form (<c>#/a</c>); a path is the plain form only, as it always was, so a path that
    /// the messages quote is the one that was applied.
    /// </remarks>
    public static bool TryParse(string path, out JsonPointer pointer)
    {
        pointer = JsonPointer.Empty;
        return !path.StartsWith('#') && JsonPointer.TryParse(path, out pointer);
    }

    /// <summary>Finds the node a pointer names in a document; false when a step or the document is missing. A JSON null value is found (as null).</summary>
    public static bool TryResolve(JsonNode? document, JsonPointer pointer, out JsonNode? node)
    {
        node = null;
        return document is not null && pointer.TryEvaluate(document, out node) && !StepsThroughDashIntoArray(document, pointer);
    }

    /// <summary>Finds the container (object or array) that a non-empty pointer's last segment is in: where set and remove write.</summary>
    public static bool TryResolveParent(JsonNode? document, JsonPointer pointer, out JsonNode? parent) =>
        TryResolve(document, pointer.GetParent(1) ?? JsonPointer.Empty, out parent);

    /// <summary>A pointer's last segment.</summary>
    public static JsonPointerSegment Last(JsonPointer pointer) => pointer[pointer.SegmentCount - 1];

    /// <summary>A segment as the member name it stands for (<c>~1</c> is <c>/</c>, <c>~0</c> is <c>~</c>).</summary>
    /// <remarks>The library compares segments unescaped but hands them out escaped only; creating or removing a member needs the name itself.</remarks>
    public static string MemberName(JsonPointerSegment segment)
    {
        var raw = segment.AsSpan();
        // "~1" first: "~01" is the name "~1", not "/".
        return raw.Contains('~') ? raw.ToString().Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal) : raw.ToString();
    }

    /// <summary>Parses an array index segment: ASCII digits, no leading zero, within <see cref="int"/>.</summary>
    /// <remarks>Not the library's <c>ToInt</c>: it also takes <c>00</c> or <c> 1</c>, which RFC 6901 does not count as indexes (and its own evaluation refuses).</remarks>
    public static bool TryIndex(JsonPointerSegment segment, out int index)
    {
        var raw = segment.AsSpan();
        index = -1;
        return raw.Length > 0 && (raw is "0" || raw[0] != '0') && !raw.ContainsAnyExceptInRange('0', '9') &&
            int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    // JsonPointer.Net 6 evaluates "-" in an array as its last element; in RFC 6901 "-" names the element after the last, which does
    // not exist, so a pointer stepping through "-" into an array finds nothing here (set appends there instead). Only a pointer with
    // a "-" segment pays for the check: it evaluates the prefix before each such segment once more.
    private static bool StepsThroughDashIntoArray(JsonNode document, JsonPointer pointer)
    {
        for (var i = 0; i < pointer.SegmentCount; i++)
        {
            if (pointer[i] == "-")
            {
                var container = document;
                if (i > 0 && !(pointer.GetParent(pointer.SegmentCount - i) is { } prefix && prefix.TryEvaluate(document, out container)))
                {
                    return true;
                }

                if (container is JsonArray)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
