using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Stackl.Contracts;
using Xunit.Abstractions;

namespace Stackl.Tasks.Tests;

/// <summary>
/// <c>document/transaction</c> against a plain in-memory model: for generated documents and op sequences the silo's
/// outcome (status, error code, committed documents) equals the model's; subclassed once per engine.
/// </summary>
/// <remarks>
/// The model states the number model the handler promises: integers exact across int64 (an increment that leaves it
/// fails with <c>number_out_of_range</c>), decimals exact (0.1 + 0.2 == 0.3), numbers compared numerically whatever
/// their JSON spelling, <c>equals</c> structural with numbers compared numerically.
/// </remarks>
public abstract class TransactionPropertyTests(IEngineUnderTest engine, ITestOutputHelper output) : TaskTestBase(engine)
{
    private const string NumberOutOfRange = "number_out_of_range";

    private static readonly string[] s_keys = ["a", "b", "c"];

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);

    private int _samples;

    [Fact]
    public Task TransactionProperty_AnyOps_MatchModel() => SampleAsync(full: true, iterations: 1000);

    /// <summary>The harness itself: small integers only and no op after an increment of the same document, which the handler already gets right.</summary>
    [Fact]
    public Task TransactionProperty_IntegersWithoutOpsAfterIncrement_MatchModel() => SampleAsync(full: false, iterations: 500);

    private async Task SampleAsync(bool full, int iterations)
    {
        try
        {
            await Check.SampleAsync(Samples(full), CheckAsync, output.WriteLine, iter: iterations, threads: 2, print: Print);
        }
        finally
        {
            // How often each outcome came up, so a generator that stops reaching the interesting cases shows.
            output.WriteLine("model outcomes: " + string.Join(", ", _outcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
        }
    }

    private async Task CheckAsync(Sample sample)
    {
        var prefix = $"prop{Interlocked.Increment(ref _samples)}";
        string Key(string name) => $"{prefix}/{name}";

        var initial = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var puts = new List<string>();
        for (var i = 0; i < sample.Documents.Length; i++)
        {
            initial[s_keys[i]] = sample.Documents[i] is { } raw ? JsonNode.Parse(raw) : null;
            if (sample.Documents[i] is { } value)
            {
                puts.Add($$"""{"op":"set","key":"{{Key(s_keys[i])}}","path":"","value":{{value}}}""");
            }
        }

        if (puts.Count > 0)
        {
            var put = await RunAsync(Spec("document", "transaction", $$"""{"ops":[{{string.Join(",", puts)}}]}"""));
            AssertStatus(TaskStatus.Completed, put);
        }

        var expected = Model.Apply(initial, sample.Ops);
        _outcomes.AddOrUpdate(expected.Error ?? "committed", 1, (_, n) => n + 1);
        var ops = string.Join(",", sample.Ops.Select(op => op.ToJson(Key(op.Key))));
        var task = await RunAsync(Spec("document", "transaction", $$"""{"ops":[{{ops}}]}"""));

        var problems = new List<string>();
        if (expected.Error is null && task.Status != TaskStatus.Completed)
        {
            problems.Add($"model commits, silo task is {task.Status} with {task.Error?.Code}: {task.Error?.Message}");
        }
        else if (expected.Error is { } code && (task.Status != TaskStatus.Failed || task.Error?.Code != code))
        {
            problems.Add($"model fails with {code} ({expected.Reason}), silo task is {task.Status} with {task.Error?.Code}: {task.Error?.Message}");
        }

        var committed = expected.Error is null ? expected.Documents : initial;
        foreach (var (name, want) in committed)
        {
            var stored = (await Tasks.GetDocumentAsync(Key(name))).Value is { } element ? JsonNode.Parse(element.GetRawText()) : null;
            if (!Model.Same(stored, want))
            {
                problems.Add($"document {name} is {Show(stored)}, model says {Show(want)}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"silo and model disagree on {prefix}: {string.Join("; ", problems)}");
        }
    }

    private static string Show(JsonNode? node) => node is null ? "absent" : node.ToJsonString();

    private static string Print(Sample sample)
    {
        var text = new StringBuilder("docs: ");
        for (var i = 0; i < sample.Documents.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{s_keys[i]}={sample.Documents[i] ?? "absent"} ");
        }

        text.Append("ops: [").Append(string.Join(", ", sample.Ops.Select(op => op.ToJson(op.Key)))).Append(']');
        return text.ToString();
    }

    // ---- generators ----

    private static Gen<Sample> Samples(bool full)
    {
        var number = full
            ? Gen.Frequency(
                (4, Gen.Int[-3, 3].Select(i => i.ToString(CultureInfo.InvariantCulture))),
                (2, Gen.OneOf("9223372036854775807", "9223372036854775806", "-9223372036854775808", "-9223372036854775807")),
                (3, Gen.OneOf("0.1", "0.2", "0.3", "0.25", "-0.1", "1.5", "5.0", "2.50", "0.0")))
            : Gen.Int[-3, 3].Select(i => i.ToString(CultureInfo.InvariantCulture));
        var leaf = Gen.Frequency(
            (6, number),
            (1, Gen.OneOf("\"x\"", "true", "null", """{"n":1}""", "[1,2]")));
        var document = Gen.Select(
            Field("n", number), Field("m", number), Field("s", leaf), Field("o", number.Select(n => $$"""{"n":{{n}}}""")),
            (n, m, s, o) => "{" + string.Join(",", new[] { n, m, s, o }.OfType<string>()) + "}");
        var path = Gen.Frequency(
            (8, Gen.Const("/n")), (5, Gen.Const("/m")), (2, Gen.Const("/s")), (3, Gen.Const("/o/n")),
            (1, Gen.Const("/o")), (1, Gen.Const("/z")), (1, Gen.Const("/z/q")), (1, Gen.Const("")));
        var member = path.Where(p => p.Length > 0);

        return Gen.Int[2, 3].SelectMany(keyCount =>
        {
            var key = Gen.OneOf(s_keys[..keyCount]);
            var op = Gen.Frequency(
                (3, Gen.Select(key, path, (k, p) => (k, p)).SelectMany(kp =>
                    (kp.p.Length == 0 ? document : leaf).Select(v => new Op("set", kp.k, kp.p, v, null, 0)))),
                (4, Gen.Select(key, path, number, (k, p, by) => new Op("increment", k, p, by, null, 0))),
                (1, Gen.Select(key, member, (k, p) => new Op("remove", k, p, null, null, 0))),
                (1, key.Select(k => new Op("delete", k, null, null, null, 0))),
                (4, Gen.Select(key, path, Gen.Frequency(
                    (2, leaf.Select(v => ("equals", v))),
                    (3, number.Select(v => ("gte", v))),
                    (3, number.Select(v => ("lte", v))),
                    (1, Gen.Bool.Select(b => ("exists", b ? "true" : "false")))),
                    (k, p, a) => new Op("assert", k, p, a.Item2, a.Item1, 0))),
                (1, Gen.Select(key, Gen.Int[0, 2], (k, v) => new Op("expectVersion", k, null, null, null, v))));
            var documents = Gen.Frequency((5, document.Select(d => (string?)d)), (1, Gen.Const((string?)null))).Array[keyCount];
            return Gen.Select(documents, op.Array[1, 6], (d, o) => new Sample(d, full ? o : WithoutOpsAfterIncrement(o)));
        });
    }

    private static Gen<string?> Field(string name, Gen<string> value) =>
        Gen.Frequency((5, value.Select(v => (string?)$"\"{name}\":{v}")), (1, Gen.Const((string?)null)));

    private static Op[] WithoutOpsAfterIncrement(Op[] ops)
    {
        var incremented = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<Op>();
        foreach (var op in ops)
        {
            if (!incremented.Contains(op.Key))
            {
                kept.Add(op);
            }

            if (op.Kind == "increment")
            {
                incremented.Add(op.Key);
            }
        }

        return [.. kept];
    }

    /// <summary>Generated input: the initial documents of keys a, b, c (null when absent) and the transaction's ops.</summary>
    private sealed record Sample(string?[] Documents, Op[] Ops);

    /// <summary>One op; <paramref name="Value"/> is raw JSON (the set value, the increment step or the assert operand).</summary>
    private sealed record Op(string Kind, string Key, string? Path, string? Value, string? AssertKind, long Version)
    {
        public string ToJson(string key) => Kind switch
        {
            "set" => $$"""{"op":"set","key":"{{key}}","path":"{{Path}}","value":{{Value}}}""",
            "increment" => $$"""{"op":"increment","key":"{{key}}","path":"{{Path}}","by":{{Value}}}""",
            "remove" => $$"""{"op":"remove","key":"{{key}}","path":"{{Path}}"}""",
            "delete" => $$"""{"op":"delete","key":"{{key}}"}""",
            "assert" => $$"""{"op":"assert","key":"{{key}}","path":"{{Path}}","{{AssertKind}}":{{Value}}}""",
            _ => $$"""{"op":"expectVersion","key":"{{key}}","version":{{Version}}}""",
        };
    }

    // ---- the model ----

    private sealed record Outcome(string? Error, string? Reason, Dictionary<string, JsonNode?> Documents);

    private sealed class ModelFailure(string code, string reason) : Exception(reason)
    {
        public string Code { get; } = code;
    }

    private static class Model
    {
        public static Outcome Apply(Dictionary<string, JsonNode?> initial, Op[] ops)
        {
            var working = initial.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal);
            try
            {
                for (var i = 0; i < ops.Length; i++)
                {
                    Step(working, initial, ops[i], $"ops[{i}]");
                }
            }
            catch (ModelFailure failure)
            {
                return new Outcome(failure.Code, failure.Message, initial);
            }

            return new Outcome(null, null, working);
        }

        private static void Step(Dictionary<string, JsonNode?> working, Dictionary<string, JsonNode?> initial, Op op, string where)
        {
            var document = working.GetValueOrDefault(op.Key);
            var tokens = op.Path is { Length: > 0 } p ? p[1..].Split('/') : Array.Empty<string>();
            switch (op.Kind)
            {
                case "set":
                    var value = JsonNode.Parse(op.Value!);
                    if (tokens.Length == 0)
                    {
                        working[op.Key] = value;
                        return;
                    }

                    if (Parent(document, tokens, where) is not JsonObject setParent)
                    {
                        throw Fail(ErrorCodes.PathNotFound, where, "the parent is not an object");
                    }

                    setParent[tokens[^1]] = value;
                    return;
                case "increment":
                    if (tokens.Length == 0)
                    {
                        throw Fail(ErrorCodes.AssertFailed, where, "a whole document cannot be incremented");
                    }

                    if (document is null || !Resolve(document, tokens, tokens.Length, out var target))
                    {
                        throw Fail(ErrorCodes.PathNotFound, where, "no such path");
                    }

                    if (Number(target) is not { } current)
                    {
                        throw Fail(ErrorCodes.AssertFailed, where, "not a number");
                    }

                    var by = Number(JsonNode.Parse(op.Value!))!.Value;
                    decimal sum;
                    try
                    {
                        sum = current + by;
                    }
                    catch (OverflowException)
                    {
                        throw Fail(NumberOutOfRange, where, "beyond decimal");
                    }

                    if (IsInteger(current) && IsInteger(by) && (sum > long.MaxValue || sum < long.MinValue))
                    {
                        // Integral values stay integers whatever their spelling (5.0 is 5), so they overflow as int64 does.
                        throw Fail(NumberOutOfRange, where, "beyond int64");
                    }

                    ((JsonObject)Parent(document, tokens, where)!)[tokens[^1]] = JsonValue.Create(sum);
                    return;
                case "remove":
                    if (Parent(document, tokens, where) is not JsonObject removeParent || !removeParent.Remove(tokens[^1]))
                    {
                        throw Fail(ErrorCodes.PathNotFound, where, "no such member");
                    }

                    return;
                case "delete":
                    if (document is null)
                    {
                        throw Fail(ErrorCodes.NotFound, where, "no such document");
                    }

                    working[op.Key] = null;
                    return;
                case "assert":
                    Assert(document, tokens, op, where);
                    return;
                default:
                    var version = initial.GetValueOrDefault(op.Key) is null ? 0 : 1;
                    if (version != op.Version)
                    {
                        throw Fail(ErrorCodes.VersionMismatch, where, $"version {version}");
                    }

                    return;
            }
        }

        private static void Assert(JsonNode? document, string[] tokens, Op op, string where)
        {
            var found = document is not null && Resolve(document, tokens, tokens.Length, out _);
            JsonNode? target = null;
            if (found)
            {
                Resolve(document, tokens, tokens.Length, out target);
            }

            if (op.AssertKind == "exists")
            {
                if (found != (op.Value == "true"))
                {
                    throw Fail(ErrorCodes.AssertFailed, where, "exists");
                }

                return;
            }

            if (!found)
            {
                throw Fail(ErrorCodes.PathNotFound, where, "no such path");
            }

            if (op.AssertKind == "equals")
            {
                if (!Same(target, JsonNode.Parse(op.Value!)))
                {
                    throw Fail(ErrorCodes.AssertFailed, where, "not equal");
                }

                return;
            }

            if (Number(target) is not { } actual)
            {
                throw Fail(ErrorCodes.AssertFailed, where, "not a number");
            }

            var limit = Number(JsonNode.Parse(op.Value!))!.Value;
            if (op.AssertKind == "gte" ? actual < limit : actual > limit)
            {
                throw Fail(ErrorCodes.AssertFailed, where, $"{actual} {op.AssertKind} {limit} is false");
            }
        }

        /// <summary>The parent of the path's last token; fails path_not_found when the document or the parent is missing or null.</summary>
        private static JsonNode? Parent(JsonNode? document, string[] tokens, string where)
        {
            if (document is null || !Resolve(document, tokens, tokens.Length - 1, out var parent) || parent is null)
            {
                throw Fail(ErrorCodes.PathNotFound, where, "no parent");
            }

            return parent;
        }

        /// <summary>Steps through object members only: the generated paths never index arrays.</summary>
        private static bool Resolve(JsonNode? node, string[] tokens, int count, out JsonNode? result)
        {
            result = node;
            for (var i = 0; i < count; i++)
            {
                if (result is not JsonObject obj || !obj.TryGetPropertyValue(tokens[i], out result))
                {
                    result = null;
                    return false;
                }
            }

            return true;
        }

        private static decimal? Number(JsonNode? node) =>
            node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
                ? decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
                : null;

        private static bool IsInteger(decimal value) => value == decimal.Truncate(value);

        private static ModelFailure Fail(string code, string where, string reason) => new(code, $"{where}: {reason}");

        /// <summary>Structural JSON equality with numbers compared numerically.</summary>
        public static bool Same(JsonNode? a, JsonNode? b)
        {
            if (a is null || b is null)
            {
                return a is null && b is null;
            }

            if (Number(a) is { } x && Number(b) is { } y)
            {
                return x == y;
            }

            return (a, b) switch
            {
                (JsonObject o, JsonObject p) => o.Count == p.Count && o.All(m => p.TryGetPropertyValue(m.Key, out var v) && Same(m.Value, v)),
                (JsonArray o, JsonArray p) => o.Count == p.Count && o.Zip(p).All(e => Same(e.First, e.Second)),
                _ => JsonNode.DeepEquals(a, b),
            };
        }
    }
}

public sealed class TransactionPropertyTestsOnSqlite(ITestOutputHelper output) : TransactionPropertyTests(new SqliteUnderTest(), output);

public sealed class TransactionPropertyTestsOnPostgres(ITestOutputHelper output) : TransactionPropertyTests(new PostgresUnderTest(), output);
