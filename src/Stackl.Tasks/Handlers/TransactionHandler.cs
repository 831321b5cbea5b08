using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Pointer;
using Stackl.Contracts;

namespace Stackl.Tasks.Handlers;

/// <summary>
/// <c>document/transaction {"ops": [...]}</c>: operations on several documents applied in order to staged values; all commit or none.
/// </summary>
/// <remarks>
/// Ops: <c>set {key, path, value}</c>, <c>increment {key, path, by}</c>, <c>remove {key, path}</c>, <c>delete {key}</c>,
/// <c>assert {key, path, equals | gte | lte | exists}</c>, <c>expectVersion {key, version}</c>. <c>path</c> is a JSON pointer
/// (<c>""</c> is the whole document). A failed assert, a version mismatch or a missing path fails the task and nothing is committed.
/// </remarks>
public sealed class TransactionHandler : ITaskHandler
{
    /// <summary>The most operations one transaction may hold.</summary>
    public const int MaxOps = 1000;

    private static readonly string[] s_assertKinds = ["equals", "gte", "lte", "exists"];

    /// <inheritdoc />
    public string Topic => "document";

    /// <inheritdoc />
    public string Subtype => "transaction";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload)
    {
        var obj = Payload.Object(payload, "document/transaction");
        var ops = Payload.Required(obj, "ops", "payload");
        if (ops.ValueKind != JsonValueKind.Array || ops.GetArrayLength() == 0 || ops.GetArrayLength() > MaxOps)
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, $"payload.ops must be an array of 1 to {MaxOps} operations.");
        }

        var keys = new List<string>();
        var index = 0;
        foreach (var op in ops.EnumerateArray())
        {
            var where = $"payload.ops[{index++}]";
            if (op.ValueKind != JsonValueKind.Object)
            {
                throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where} must be an object like {{\"op\": \"set\", \"key\": \"type/name\", \"path\": \"/field\", \"value\": 1}}.");
            }

            var kind = Payload.String(op, "op", where);
            keys.Add(Payload.Key(op, where));
            switch (kind)
            {
                case "set":
                    Path(op, where);
                    Payload.Required(op, "value", where);
                    break;
                case "increment":
                    Path(op, where);
                    if (!op.TryGetProperty("by", out var by) || !JsonNumbers.IsSupported(by))
                    {
                        throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where}.by is required and must be a number within ±7.9e28.");
                    }

                    break;
                case "remove":
                    if (Path(op, where).Length == 0)
                    {
                        throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where}.path is empty; use the delete op to delete a whole document.");
                    }

                    break;
                case "delete":
                    break;
                case "assert":
                    Path(op, where);
                    ValidateAssert(op, where);
                    break;
                case "expectVersion":
                    Payload.Integer(op, "version", where, min: 0);
                    break;
                default:
                    throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where}.op is '{kind}'; use set, increment, remove, delete, assert or expectVersion.");
            }
        }

        return keys;
    }

    /// <inheritdoc />
    public Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var working = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var written = new SortedSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var op in context.Payload.GetProperty("ops").EnumerateArray())
        {
            var where = $"ops[{index++}]";
            var key = op.GetProperty("key").GetString()!;
            if (!working.TryGetValue(key, out var document))
            {
                document = context.Read(key) is { } value ? JsonNode.Parse(value.GetRawText()) : null;
                working[key] = document;
            }

            switch (op.GetProperty("op").GetString())
            {
                case "set":
                    working[key] = Set(document, key, op.GetProperty("path").GetString()!, JsonNode.Parse(op.GetProperty("value").GetRawText()), where);
                    written.Add(key);
                    break;
                case "increment":
                    Increment(document, key, op.GetProperty("path").GetString()!, op.GetProperty("by"), where);
                    written.Add(key);
                    break;
                case "remove":
                    Remove(document, key, op.GetProperty("path").GetString()!, where);
                    written.Add(key);
                    break;
                case "delete":
                    if (document is null)
                    {
                        throw new TaskFailedException(ErrorCodes.NotFound, $"{where}: document {key} does not exist, so it cannot be deleted.");
                    }

                    working[key] = null;
                    written.Add(key);
                    break;
                case "assert":
                    Assert(document, key, op, where);
                    break;
                case "expectVersion":
                    var expected = op.GetProperty("version").GetInt64();
                    if (context.Version(key) != expected)
                    {
                        throw new TaskFailedException(ErrorCodes.VersionMismatch, $"{where}: document {key} is at version {context.Version(key)}, not the expected {expected}.");
                    }

                    break;
            }
        }

        foreach (var key in written)
        {
            context.Stage(key, working[key] is { } node ? JsonSerializer.SerializeToElement(node, TasksJsonContext.Default.JsonNode) : null);
        }

        context.Log($"applied {index} operations to {written.Count} documents");
        return Task.FromResult<JsonElement?>(null);
    }

    private static string Path(JsonElement op, string where)
    {
        if (!op.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.String || !JsonPointers.TryParse(path.GetString()!, out _))
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where}.path is required and must be a JSON pointer such as \"/replicas\" (or \"\" for the whole document).");
        }

        return path.GetString()!;
    }

    private static void ValidateAssert(JsonElement op, string where)
    {
        var present = s_assertKinds.Where(k => op.TryGetProperty(k, out _)).ToList();
        if (present.Count != 1)
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where} must have exactly one of equals, gte, lte or exists.");
        }

        var operand = op.GetProperty(present[0]);
        if (present[0] is "gte" or "lte" && !JsonNumbers.IsSupported(operand))
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where}.{present[0]} must be a number within ±7.9e28.");
        }

        if (present[0] == "exists" && operand.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, $"{where}.exists must be true or false.");
        }
    }

    private static JsonNode? Set(JsonNode? document, string key, string path, JsonNode? value, string where)
    {
        var pointer = JsonPointer.Parse(path);
        if (pointer.SegmentCount == 0)
        {
            return value;
        }

        var parent = Parent(document, key, pointer, path, where);
        var last = JsonPointers.Last(pointer);
        switch (parent)
        {
            case JsonObject obj:
                obj[JsonPointers.MemberName(last)] = value;
                return document;
            case JsonArray array when last == "-":
                array.Add(value);
                return document;
            case JsonArray array when JsonPointers.TryIndex(last, out var i) && i <= array.Count:
                if (i == array.Count)
                {
                    array.Add(value);
                }
                else
                {
                    array[i] = value;
                }

                return document;
            default:
                throw PathNotFound(key, path, where);
        }
    }

    private static void Increment(JsonNode? document, string key, string path, JsonElement by, string where)
    {
        var pointer = JsonPointer.Parse(path);
        if (pointer.SegmentCount == 0)
        {
            throw new TaskFailedException(ErrorCodes.AssertFailed, $"{where}: a whole document cannot be incremented; give a path to a number inside it.");
        }

        if (!JsonPointers.TryResolve(document, pointer, out var target))
        {
            throw PathNotFound(key, path, where);
        }

        if (JsonNumbers.Read(target, where) is not { } number)
        {
            throw new TaskFailedException(ErrorCodes.AssertFailed, $"{where}: {key}{path} is {Describe(target)}, not a number, so it cannot be incremented.");
        }

        var sum = JsonNumbers.Add(number, JsonNumbers.Read(by, where), where);

        // A number is a node inside the document (not the document: the path is not empty), so it replaces itself in its
        // container without a second walk down the path.
        target!.ReplaceWith(sum);
    }

    private static void Remove(JsonNode? document, string key, string path, string where)
    {
        var pointer = JsonPointer.Parse(path);
        var parent = Parent(document, key, pointer, path, where);
        var last = JsonPointers.Last(pointer);
        var removed = parent switch
        {
            JsonObject obj => obj.Remove(JsonPointers.MemberName(last)),
            JsonArray array when JsonPointers.TryIndex(last, out var i) && i < array.Count => RemoveAt(array, i),
            _ => false,
        };
        if (!removed)
        {
            throw PathNotFound(key, path, where);
        }
    }

    private static void Assert(JsonNode? document, string key, JsonElement op, string where)
    {
        var path = op.GetProperty("path").GetString()!;
        var found = JsonPointers.TryResolve(document, JsonPointer.Parse(path), out var target);
        if (op.TryGetProperty("exists", out var exists))
        {
            if (found != exists.GetBoolean())
            {
                throw new TaskFailedException(ErrorCodes.AssertFailed, $"{where}: expected {key}{path} {(exists.GetBoolean() ? "to exist" : "not to exist")}, but it {(found ? "does" : "does not")}.");
            }

            return;
        }

        if (!found)
        {
            throw PathNotFound(key, path, where);
        }

        if (op.TryGetProperty("equals", out var equals))
        {
            if (!JsonNumbers.DeepEquals(target, JsonNode.Parse(equals.GetRawText()), where))
            {
                throw new TaskFailedException(ErrorCodes.AssertFailed, $"{where}: expected {key}{path} to equal {equals.GetRawText()}, but it is {Describe(target)}.");
            }

            return;
        }

        var isGte = op.TryGetProperty("gte", out var bound);
        if (!isGte)
        {
            bound = op.GetProperty("lte");
        }

        if (JsonNumbers.Read(target, where) is not { } actual)
        {
            throw new TaskFailedException(ErrorCodes.AssertFailed, $"{where}: {key}{path} is {Describe(target)}, not a number.");
        }

        var limit = JsonNumbers.Read(bound, where);
        var order = JsonNumbers.Compare(actual, limit);
        if (isGte ? order < 0 : order > 0)
        {
            throw new TaskFailedException(ErrorCodes.AssertFailed, $"{where}: expected {key}{path} {(isGte ? ">=" : "<=")} {JsonNumbers.Text(limit)}, but it is {JsonNumbers.Text(actual)}.");
        }
    }

    private static JsonNode Parent(JsonNode? document, string key, JsonPointer pointer, string path, string where)
    {
        if (document is null)
        {
            throw new TaskFailedException(ErrorCodes.PathNotFound, $"{where}: document {key} does not exist; set the whole document first (path \"\").");
        }

        if (!JsonPointers.TryResolveParent(document, pointer, out var parent) || parent is null)
        {
            throw PathNotFound(key, path, where);
        }

        return parent;
    }

    private static bool RemoveAt(JsonArray array, int index)
    {
        array.RemoveAt(index);
        return true;
    }

    private static string Describe(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    private static TaskFailedException PathNotFound(string key, string path, string where) =>
        new(ErrorCodes.PathNotFound, $"{where}: path {path} does not exist in document {key}.");
}
