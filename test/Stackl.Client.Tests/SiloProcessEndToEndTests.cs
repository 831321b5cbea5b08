using System.Text.Json;
using Stackl.Cli;
using Stackl.Contracts;
using Stackl.Testing.Databases;
using Xunit.Abstractions;

namespace Stackl.Client.Tests;

/// <summary>
/// The built silo and the built <c>stackl</c> as real processes: the SDK and the CLI drive the silo, the silo is killed
/// (SIGKILL) while multi-document tasks are in flight, restarted on the same SQLite file, and every task ends final
/// with all of its writes committed or none (laws 1 and 3 of ARCHITECTURE.md, seen from a client).
/// </summary>
public sealed class SiloProcessEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const int StartBalance = 100;
    private static readonly TimeSpan s_finalWithin = TimeSpan.FromSeconds(60);

    private readonly SqliteDatabase _database = new();
    private readonly string _type = $"e2e{Guid.NewGuid():N}";

    public void Dispose() => _database.Dispose();

    private string Account(char name) => $"{_type}/{name}";

    [Fact]
    public async Task KillWhileTransactionsAreInFlight_RestartedSiloEndsEveryTask_AndNoDocumentIsHalfWritten()
    {
        var accounts = "abcd".Select(Account).ToArray();
        var transfers = new List<(string Id, string From, string To, int Amount)>();
        string blockerId;

        await using (var first = await SiloProcess.StartAsync(_database.Path, "first start"))
        {
            using var client = new StacklClient(first.BaseAddress);

            // Phase 1: the SDK and the CLI against a live silo.
            foreach (var account in accounts)
            {
                var put = await client.PutDocumentAsync(account, TestJson.Parse($$"""{"balance":{{StartBalance}}}"""));
                Assert.True(put.Status == TaskStatus.Completed, $"seeding {account}: task {put.Id} is {put.Status} ({put.Error}).");
            }

            var cliTransfer = await StacklAsync(first, "submit", "document", "transaction", TransferPayload(accounts[0], accounts[1], 30), "--json");
            Assert.True(cliTransfer.ExitCode == ExitCodes.Success, $"stackl submit document transaction: {cliTransfer}");
            var cliTransferTask = JsonSerializer.Deserialize(cliTransfer.Out, ContractsJsonContext.Default.TaskView)!;
            Assert.Equal(TaskStatus.Completed, cliTransferTask.Status);
            transfers.Add((cliTransferTask.Id, accounts[0], accounts[1], 30));

            var cliSleep = await StacklAsync(first, "submit", "demo", "sleep", """{"ms":200}""");
            Assert.True(cliSleep.ExitCode == ExitCodes.Success, $"stackl submit demo sleep: {cliSleep}");
            Assert.Matches(@"(?m)^result\s+\{""slept"":200\}$", cliSleep.Out);

            var cliRead = await StacklAsync(first, "docs", "get", accounts[1], "--json");
            Assert.Equal(StartBalance + 30, TestJson.Balance(JsonSerializer.Deserialize(cliRead.Out, ContractsJsonContext.Default.DocumentView)!));

            // Phase 2: a long task holds a and b; transfers queue behind it or run beside it; then the silo dies.
            var blocker = await client.SubmitAsync(TestJson.Sleep(60_000, [accounts[0], accounts[1]], TimeSpan.FromMinutes(2)), wait: TimeSpan.Zero);
            blockerId = blocker.Id;
            await Stackl.Testing.Eventually.ValueAsync(
                $"task {blockerId} holds the locks on {accounts[0]} and {accounts[1]}",
                () => client.ListLocksAsync(limit: 500),
                locks => locks.Count(l => l.Owner == blockerId) == 2,
                TimeSpan.FromSeconds(30));

            var plans = new[] { (0, 1, 5), (1, 2, 7), (2, 3, 11), (3, 0, 13), (0, 2, 17), (2, 3, 19), (3, 2, 23) };
            foreach (var (from, to, amount) in plans)
            {
                var accepted = await client.SubmitAsync(TestJson.Transfer(accounts[from], accounts[to], amount, TimeSpan.FromMinutes(2)), wait: TimeSpan.Zero);
                transfers.Add((accepted.Id, accounts[from], accounts[to], amount));
            }

            var cliInFlight = await StacklAsync(first, "submit", "document", "transaction", TransferPayload(accounts[1], accounts[3], 29), "--timeout", "2m", "--wait", "0", "--json");
            Assert.True(cliInFlight.ExitCode == ExitCodes.Success, $"stackl submit --wait 0: {cliInFlight}");
            var inFlight = JsonSerializer.Deserialize(cliInFlight.Out, ContractsJsonContext.Default.TaskView)!;
            Assert.False(inFlight.Status.IsFinal(), $"task {inFlight.Id} waits for {accounts[1]}, held by {blockerId}, yet it is {inFlight.Status}.");
            transfers.Add((inFlight.Id, accounts[1], accounts[3], 29));

            var blockerNow = await client.GetAsync(blockerId);
            Assert.True(blockerNow.Status == TaskStatus.Running, $"task {blockerId} should still sleep when the silo is killed, but it is {blockerNow.Status}.");
            await first.KillAsync();
        }

        // Phase 3: the same database, a new process: its recovery scan ends every unfinished task.
        await using var second = await SiloProcess.StartAsync(_database.Path, "restart after the kill");
        using var recovered = new StacklClient(second.BaseAddress);
        var finals = new Dictionary<string, TaskView>();
        foreach (var id in transfers.Select(t => t.Id).Append(blockerId))
        {
            try
            {
                finals[id] = await recovered.WaitAsync(id, s_finalWithin);
            }
            catch (StacklWaitTimeoutException timeout)
            {
                Assert.Fail($"after the restart, task {id} is still {timeout.LastSeen?.Status} after {s_finalWithin.TotalSeconds:0} s; silo output:\n{second.Tail}");
            }
        }

        output.WriteLine(string.Join('\n', finals.Values.Select(t => $"{t.Id} {t.Status} {t.Error?.Code}")));
        var blockerFinal = finals[blockerId];
        Assert.Equal(TaskStatus.Failed, blockerFinal.Status);
        Assert.Equal(ErrorCodes.SiloLost, blockerFinal.Error!.Code);
        var cliWait = await StacklAsync(second, "wait", blockerId, "--timeout", "10s");
        Assert.Equal(ExitCodes.TaskNotCompleted, cliWait.ExitCode);
        Assert.Matches(@"(?m)^error\s+silo_lost: ", cliWait.Out);

        await Stackl.Testing.Eventually.ValueAsync(
            "no lock is held on the test's accounts once every task is final",
            () => recovered.ListLocksAsync(limit: 500),
            locks => !locks.Any(l => l.Key.StartsWith(_type + "/", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30));

        // Atomicity: a Completed transfer wrote both of its documents exactly once; any other wrote neither.
        var expected = accounts.ToDictionary(a => a, _ => (long)StartBalance);
        var histories = new Dictionary<string, IReadOnlyList<HistoryEntry>>();
        foreach (var account in accounts)
        {
            histories[account] = (await recovered.GetHistoryAsync(account, limit: 500)).Items;
        }

        foreach (var (id, from, to, amount) in transfers)
        {
            var task = finals[id];
            var writes = new[] { from, to }.Select(key => histories[key].Count(h => h.TaskId == id)).ToArray();
            if (task.Status == TaskStatus.Completed)
            {
                Assert.True(writes.All(w => w == 1), $"Completed task {id} ({from} -> {to}) wrote {writes[0]} and {writes[1]} versions; expected 1 and 1.");
                expected[from] -= amount;
                expected[to] += amount;
            }
            else
            {
                Assert.True(writes.All(w => w == 0), $"{task.Status} task {id} ({task.Error}) wrote {writes[0]} and {writes[1]} versions; expected none.");
            }
        }

        var balances = new Dictionary<string, long>();
        foreach (var account in accounts)
        {
            var document = await recovered.GetDocumentAsync(account);
            balances[account] = TestJson.Balance(document);
            Assert.Null(document.LockedBy);
            Assert.Equal(histories[account].Count, document.Version);
        }

        Assert.Equal(expected, balances);
        Assert.Equal(accounts.Length * StartBalance, balances.Values.Sum());
    }

    private static string TransferPayload(string from, string to, int amount) => TestJson.Transfer(from, to, amount).Payload.GetRawText();

    private async Task<CliResult> StacklAsync(SiloProcess silo, params string[] args)
    {
        await using var cli = ChildProcess.Start(BuildOutput.CliDll, _database.Folder, [.. args, "--server", silo.BaseAddress.ToString()]);
        var exitCode = await cli.WaitForExitAsync(TimeSpan.FromSeconds(90), $"stackl {string.Join(' ', args)}");
        return new CliResult(exitCode, cli.StandardOutput, cli.StandardError);
    }
}
