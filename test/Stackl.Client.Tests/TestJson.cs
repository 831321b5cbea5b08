using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Client.Tests;

/// <summary>Small builders for the tests' payloads and keys.</summary>
internal static class TestJson
{
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A document key no other test uses: the in-process silo is shared.</summary>
    public static string UniqueKey(string type) => $"{type}/{Guid.NewGuid():N}";

    public static TaskSpec Sleep(int ms, IReadOnlyList<string>? documents = null, TimeSpan? timeout = null) =>
        new("demo", "sleep", Parse($$"""{"ms":{{ms}}}"""), documents, timeout);

    public static TaskSpec Echo(string json) => new("demo", "echo", Parse(json));

    /// <summary>A <c>document/transaction</c> moving <paramref name="amount"/> from one account's balance to another's.</summary>
    public static TaskSpec Transfer(string from, string to, int amount, TimeSpan? timeout = null) => new(
        "document",
        "transaction",
        Parse($$"""
            {"ops": [
              {"op": "assert", "key": "{{from}}", "path": "/balance", "gte": {{amount}}},
              {"op": "increment", "key": "{{from}}", "path": "/balance", "by": {{-amount}}},
              {"op": "increment", "key": "{{to}}", "path": "/balance", "by": {{amount}}}
            ]}
            """),
        Timeout: timeout);

    public static long Balance(DocumentView document) => document.Value!.Value.GetProperty("balance").GetInt64();
}
