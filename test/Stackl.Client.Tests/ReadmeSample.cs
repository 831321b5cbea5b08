using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Client.Tests;

/// <summary>The SDK example of README.md, compiled here and run by <see cref="ReadmeSampleTests"/>.</summary>
/// <remarks>The lines between the README markers are the README's code block, word for word (a test checks it).</remarks>
internal static class ReadmeSample
{
    public static async Task RunAsync(Uri server)
    {
        // README:begin
        using var client = new StacklClient(new StacklClientOptions { BaseAddress = server });

        // Every write is a task; the document gets a new version, kept in its history.
        await client.PutDocumentAsync("account/alice", JsonSerializer.SerializeToElement(new { balance = 100 }));
        await client.PutDocumentAsync("account/bob", JsonSerializer.SerializeToElement(new { balance = 0 }));

        // A transaction over two documents: all of it commits, or none of it.
        var transfer = new TaskSpec("document", "transaction", JsonSerializer.SerializeToElement(new
        {
            ops = new object[]
            {
                new { op = "assert", key = "account/alice", path = "/balance", gte = 30 },
                new { op = "increment", key = "account/alice", path = "/balance", by = -30 },
                new { op = "increment", key = "account/bob", path = "/balance", by = 30 },
            },
        }), Timeout: TimeSpan.FromSeconds(10), IdempotencyKey: "transfer-0001");

        TaskView task = await client.SubmitAsync(transfer, wait: TimeSpan.FromSeconds(30));
        if (task.Status != TaskStatus.Completed)
        {
            Console.WriteLine($"{task.Id} {task.Status}: {task.Error?.Code} {task.Error?.Message}");
        }

        // A long task: submit without waiting, then stream its events (or call WaitAsync).
        TaskView sleeping = await client.SubmitAsync(new TaskSpec("demo", "sleep", JsonSerializer.SerializeToElement(new { ms = 500 })), wait: TimeSpan.Zero);
        await foreach (TaskEvent e in client.WatchAsync(sleeping.Id))
        {
            Console.WriteLine($"{e.At:T} {e.Kind} {e.Status} {e.Message}");
        }

        try
        {
            DocumentView bob = await client.GetDocumentAsync("account/bob");
            Page<HistoryEntry> versions = await client.GetHistoryAsync("account/bob");
            Console.WriteLine($"bob: {bob.Value} at version {bob.Version}, {versions.Items.Count} versions");
        }
        catch (StacklNotFoundException missing)
        {
            Console.WriteLine(missing.Detail);
        }
        catch (StacklApiException refused)
        {
            Console.WriteLine($"{(int)refused.StatusCode} {refused.Code}: {refused.Detail}");
        }
        // README:end
    }
}
