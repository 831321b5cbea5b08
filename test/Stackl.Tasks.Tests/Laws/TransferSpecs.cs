using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Queries;

namespace Stackl.Tasks.Tests.Laws;

/// <summary>Transfers between account documents, and what the task table says of them, for the law tests.</summary>
internal static class TransferSpecs
{
    /// <summary>A <c>document/transaction</c> payload moving 10 from <c>account/a</c> to <c>account/b</c>: two writes, so a two-phase commit.</summary>
    public const string TenFromAToB = """
        {"ops":[{"op":"increment","key":"account/a","path":"/balance","by":-10},
                {"op":"increment","key":"account/b","path":"/balance","by":10}]}
        """;

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A <c>document/transaction</c>: assert the source holds at least <paramref name="needs"/>, then move <paramref name="amount"/>.</summary>
    public static TaskSpec Transfer(string from, string to, int amount, long needs, TimeSpan timeout) => new(
        "document",
        "transaction",
        Json($$"""
            {"ops":[{"op":"assert","key":"{{from}}","path":"/balance","gte":{{needs}}},
                    {"op":"increment","key":"{{from}}","path":"/balance","by":{{-amount}}},
                    {"op":"increment","key":"{{to}}","path":"/balance","by":{{amount}}}]}
            """),
        Timeout: timeout);

    /// <summary>The balance changes a completed transfer made, read back from its payload.</summary>
    public static IEnumerable<(string Key, long By)> Increments(TaskView transfer) =>
        transfer.Payload.GetProperty("ops").EnumerateArray()
            .Where(op => op.GetProperty("op").GetString() == "increment")
            .Select(op => (op.GetProperty("key").GetString()!, op.GetProperty("by").GetInt64()));

    /// <summary>Every task in the task table, read page by page (no grain is woken).</summary>
    public static async Task<List<TaskView>> AllTasksAsync(ITaskIndex index)
    {
        var all = new List<TaskView>();
        string? after = null;
        while (true)
        {
            var page = await index.ListAsync(new TaskQuery(After: after, Limit: 500));
            all.AddRange(page);
            if (page.Count < 500)
            {
                return all;
            }

            after = page[^1].Id;
        }
    }
}
