using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stackl.Contracts;

namespace Stackl.Tasks.Handlers;

/// <summary>
/// The one number model of the document ops. A JSON number is read from its text, whatever produced it (the request, the stored
/// document, an earlier op of the same task): an integer within int64 is exact and integer arithmetic stays exact or fails; any
/// other number is a <see cref="decimal"/> (28 significant digits, so <c>0.1 + 0.2</c> is exactly <c>0.3</c>). Comparisons are
/// numeric (<c>5</c> equals <c>5.0</c>), and <see cref="DeepEquals"/> compares objects and arrays structurally with that rule.
/// </summary>
internal static class JsonNumbers
{
    /// <summary>The value of a JSON number, exact.</summary>
    /// <param name="Integer">Set when the number is an integer within int64.</param>
    /// <param name="Value">The number (exact for integers within int64 too).</param>
    internal readonly record struct Number(long? Integer, decimal Value);

    /// <summary>Reads a number node; null when the node is no number.</summary>
    /// <exception cref="TaskFailedException">The number is outside what Stackl computes exactly (about ±7.9e28).</exception>
    public static Number? Read(JsonNode? node, string what) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? Parse(value.ToJsonString(), what) : null;

    /// <summary>Reads a number from a request.</summary>
    public static Number Read(JsonElement element, string what) => Parse(element.GetRawText(), what);

    /// <summary>True when <paramref name="element"/> is a number the model can compute with.</summary>
    public static bool IsSupported(JsonElement element) =>
        element.ValueKind == JsonValueKind.Number && decimal.TryParse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The exact sum; an integer sum outside int64 or a decimal sum outside decimal fails the task.</summary>
    public static JsonNode Add(Number left, Number right, string what)
    {
        if (left.Integer is { } a && right.Integer is { } b)
        {
            var sum = unchecked(a + b);

            // Signed overflow: both operands have the same sign and the sum's sign differs.
            if (((a ^ sum) & (b ^ sum)) < 0)
            {
                throw OutOfRange($"{what}: {a.ToString(CultureInfo.InvariantCulture)} + {b.ToString(CultureInfo.InvariantCulture)} is outside the 64-bit integer range ({long.MinValue} to {long.MaxValue}); nothing was changed.");
            }

            return JsonValue.Create(sum);
        }

        try
        {
            return Node(left.Value + right.Value);
        }
        catch (OverflowException)
        {
            throw OutOfRange($"{what}: the sum is outside the range of exact decimals (about ±7.9e28); nothing was changed.");
        }
    }

    /// <summary>Compares two numbers.</summary>
    public static int Compare(Number left, Number right) =>
        left.Integer is { } a && right.Integer is { } b ? a.CompareTo(b) : left.Value.CompareTo(right.Value);

    /// <summary>Structural JSON equality where numbers compare by value: <c>{"n":5}</c> equals <c>{"n":5.0}</c>.</summary>
    public static bool DeepEquals(JsonNode? left, JsonNode? right, string what)
    {
        switch (left, right)
        {
            case (null, null):
                return true;
            case (JsonObject a, JsonObject b):
                return a.Count == b.Count && a.All(p => b.TryGetPropertyValue(p.Key, out var other) && DeepEquals(p.Value, other, what));
            case (JsonArray a, JsonArray b):
                return a.Count == b.Count && a.Select((item, i) => DeepEquals(item, b[i], what)).All(equal => equal);
            case (JsonValue a, JsonValue b) when a.GetValueKind() == JsonValueKind.Number && b.GetValueKind() == JsonValueKind.Number:
                return Compare(Read(a, what)!.Value, Read(b, what)!.Value) == 0;
            case (JsonValue a, JsonValue b):
                return JsonNode.DeepEquals(a, b);
            default:
                return false;
        }
    }

    /// <summary>The number's text, as written back into documents and messages.</summary>
    public static string Text(Number number) =>
        number.Integer is { } whole ? whole.ToString(CultureInfo.InvariantCulture) : number.Value.ToString(CultureInfo.InvariantCulture);

    private static Number Parse(string text, string what)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return new Number(whole, whole);
        }

        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return new Number(value == decimal.Truncate(value) && value >= long.MinValue && value <= long.MaxValue ? (long)value : null, value);
        }

        throw OutOfRange($"{what}: the number {text} is outside the range Stackl computes exactly (integers within 64 bits, decimals within about ±7.9e28 with 28 significant digits).");
    }

    // A decimal is written from its exact value; JsonValue.Create(decimal) keeps it, and its text reads back to the same number.
    private static JsonNode Node(decimal value) => JsonValue.Create(value);

    private static TaskFailedException OutOfRange(string message) => new(ErrorCodes.NumberOutOfRange, message);
}
