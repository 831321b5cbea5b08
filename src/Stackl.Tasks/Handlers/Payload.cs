using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Tasks.Handlers;

/// <summary>Reads handler payloads with errors that name the field.</summary>
internal static class Payload
{
    public static JsonElement Object(JsonElement payload, string handler)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, $"payload of {handler} must be a JSON object, not {payload.ValueKind.ToString().ToLowerInvariant()}.");
        }

        return payload;
    }

    public static string String(JsonElement obj, string name, string where)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where}.{name} is required and must be a non-empty string.");
        }

        return value.GetString()!;
    }

    public static JsonElement Required(JsonElement obj, string name, string where) =>
        obj.TryGetProperty(name, out var value)
            ? value
            : throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where}.{name} is required.");

    public static long Integer(JsonElement obj, string name, string where, long min = long.MinValue)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < min)
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where}.{name} is required and must be an integer{(min > long.MinValue ? $" of at least {min}" : "")}.");
        }

        return number;
    }

    public static string Key(JsonElement obj, string where) => DocumentKey.Validate(String(obj, "key", where), $"{where}.key");
}
