using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Json.Pointer;
using Stackl.Tasks.Handlers;

namespace Stackl.Benchmarks;

/// <summary>
/// The transaction handler's JSON pointer work: the hand-written RFC 6901 code it had (kept here as the baseline) next to
/// JsonPointer.Net with the handler's helpers, on the paths a transaction typically names.
/// </summary>
public static class PointerBenchmarks
{
    /// <summary>Parses and resolves per second for each path, old and new, with the bytes allocated per operation.</summary>
    /// <param name="duration">How long each figure is measured.</param>
    public static void Run(TimeSpan duration)
    {
        (string Path, JsonNode Document)[] cases =
        [
            ("/balance", JsonNode.Parse("""{"balance":100,"owner":"alice"}""")!),
            ("/a/0/b~1c", JsonNode.Parse("""{"a":[{"b/c":1,"d":2}],"e":3}""")!),
        ];
        foreach (var (path, document) in cases)
        {
            // What validation does once per op.
            Compare($"parse {path}", duration,
                () => HandWrittenPointer.IsValid(path) && HandWrittenPointer.Tokens(path).Length >= 0,
                () => JsonPointers.TryParse(path, out _));

            // What increment and assert do: parse, then find the target.
            Compare($"parse + resolve {path}", duration,
                () =>
                {
                    var tokens = HandWrittenPointer.Tokens(path);
                    return HandWrittenPointer.TryResolve(document, tokens, tokens.Length, out _);
                },
                () => JsonPointers.TryResolve(document, JsonPointer.Parse(path), out _));

            // What set and remove do: parse, find the container, name the member or index to write.
            Compare($"parse + resolve parent + last {path}", duration,
                () =>
                {
                    var tokens = HandWrittenPointer.Tokens(path);
                    return HandWrittenPointer.TryResolve(document, tokens, tokens.Length - 1, out var parent) &&
                        (parent is JsonObject ? tokens[^1].Length >= 0 : HandWrittenPointer.TryIndex(tokens[^1], out _));
                },
                () =>
                {
                    var pointer = JsonPointer.Parse(path);
                    return JsonPointers.TryResolveParent(document, pointer, out var parent) &&
                        (parent is JsonObject ? JsonPointers.MemberName(JsonPointers.Last(pointer)).Length >= 0 : JsonPointers.TryIndex(JsonPointers.Last(pointer), out _));
                });
        }
    }

    private static void Compare(string what, TimeSpan duration, Func<bool> handWritten, Func<bool> library)
    {
        if (!handWritten() || !library())
        {
            throw new InvalidOperationException($"{what}: the two implementations should both succeed.");
        }

        var (oldRate, oldBytes) = Measure(duration, handWritten);
        var (newRate, newBytes) = Measure(duration, library);
        Console.WriteLine($"(p) {what,-40} hand-written {oldRate,13:N0}/s ({1e9 / oldRate,6:0} ns, {oldBytes,4:0} B)  JsonPointer.Net {newRate,13:N0}/s ({1e9 / newRate,6:0} ns, {newBytes,4:0} B)  new/old {newRate / oldRate:0.00}x");
    }

    private static (double PerSecond, double BytesPerOp) Measure(TimeSpan duration, Func<bool> operation)
    {
        for (var i = 0; i < 100_000; i++)
        {
            operation();
        }

        var count = 0L;
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 10_000; i++)
            {
                operation();
            }

            count += 10_000;
        }

        var seconds = watch.Elapsed.TotalSeconds;
        return (count / seconds, (GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)count);
    }

    /// <summary>The hand-written RFC 6901 pointer code the transaction handler used before JsonPointer.Net: the baseline.</summary>
    private static class HandWrittenPointer
    {
        public static bool IsValid(string pointer) => pointer.Length == 0 || (pointer[0] == '/' && !HasBadEscape(pointer));

        public static string[] Tokens(string pointer) =>
            pointer.Length == 0 ? [] : [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

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

        public static bool TryIndex(string token, out int index)
        {
            index = -1;
            return token.Length > 0 && (token == "0" || token[0] != '0') && token.All(char.IsAsciiDigit) &&
                int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
        }

        private static bool TryStep(JsonNode? node, string token, out JsonNode? child)
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
}
