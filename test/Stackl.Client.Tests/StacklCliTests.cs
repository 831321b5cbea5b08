using System.Text.Json;
using Stackl.Cli;
using Stackl.Contracts;

namespace Stackl.Client.Tests;

[Collection(InProcessSiloCollection.Name)]
public sealed class StacklCliTests(InProcessSilo silo)
{
    private Task<CliResult> Stackl(params string[] args) => CliRunner.RunAsync(silo.BaseAddress, args);

    private static TaskView ParseTask(CliResult result) =>
        JsonSerializer.Deserialize(result.Out, ContractsJsonContext.Default.TaskView) ?? throw new InvalidOperationException($"No task in {result}");

    [Fact]
    public async Task Help_ListsTheCommandsAndTheExitCodes()
    {
        var result = await Stackl("--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("Exit codes:", result.Out, StringComparison.Ordinal);
        Assert.Contains("5  the wait ended before the task was final", result.Out, StringComparison.Ordinal);
        foreach (var command in new[] { "submit", "get", "wait", "cancel", "watch", "tasks", "flow", "docs", "schedules", "chains" })
        {
            Assert.Contains($"  {command}", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NoCommand_OrAnUnknownOne_IsAUsageError()
    {
        Assert.Equal(ExitCodes.BadInput, (await Stackl()).ExitCode);
        Assert.Equal(ExitCodes.BadInput, (await Stackl("frobnicate")).ExitCode);
    }

    [Fact]
    public async Task Submit_Echo_PrintsTheCompletedTaskAndExits0()
    {
        var result = await Stackl("submit", "demo", "echo", """{"a":1}""");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Matches(@"(?m)^status\s+Completed$", result.Out);
        Assert.Matches(@"(?m)^handler\s+demo/echo$", result.Out);
        Assert.Matches(@"(?m)^result\s+\{""a"":1\}$", result.Out);
    }

    [Fact]
    public async Task Submit_Json_WritesTheTaskAsOneJsonDocument()
    {
        var result = await Stackl("submit", "demo", "echo", """{"a":2}""", "--json", "--idempotency-key", Guid.NewGuid().ToString("N"));

        var task = ParseTask(result);
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(TaskStatus.Completed, task.Status);
        Assert.Equal("cli", task.Source);
        Assert.Single(result.Out.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Submit_PayloadFromAFile_DocumentsAndTimeout_ReachTheTask()
    {
        var key = TestJson.UniqueKey("cli");
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{"ms": 10}""");

            var result = await Stackl("submit", "demo", "sleep", "@" + file, "--documents", $"{key},{key}-2", "--timeout", "7s", "--json");

            var task = ParseTask(result);
            Assert.Equal(TaskStatus.Completed, task.Status);
            Assert.Equal([key, key + "-2"], task.Documents);
            Assert.Equal(TimeSpan.FromSeconds(7), task.Deadline - task.Created);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Submit_FailingHandler_Exits1AndPrintsTheError()
    {
        var result = await Stackl("submit", "demo", "fail", """{"message":"boom"}""");

        Assert.Equal(ExitCodes.TaskNotCompleted, result.ExitCode);
        Assert.Matches(@"(?m)^error\s+handler_failed: boom$", result.Out);
    }

    [Fact]
    public async Task Submit_WaitShorterThanTheTask_Exits5_ThenWaitExits0()
    {
        var submitted = await Stackl("submit", "demo", "sleep", """{"ms":3000}""", "--wait", "1500ms", "--json");
        var task = ParseTask(submitted);

        var waited = await Stackl("wait", task.Id, "--timeout", "30s");

        Assert.Equal(ExitCodes.NotFinal, submitted.ExitCode);
        Assert.Equal(TaskStatus.Running, task.Status);
        Assert.Contains($"{task.Id} demo/sleep: Running", submitted.Err, StringComparison.Ordinal);
        Assert.True(waited.ExitCode == ExitCodes.Success, waited.ToString());
        Assert.Matches(@"(?m)^status\s+Completed$", waited.Out);
    }

    [Fact]
    public async Task Wait_TimeoutBeforeTheTaskEnds_Exits5()
    {
        var task = ParseTask(await Stackl("submit", "demo", "sleep", """{"ms":5000}""", "--wait", "0", "--json"));

        var waited = await Stackl("wait", task.Id, "--timeout", "300ms");

        Assert.Equal(ExitCodes.NotFinal, waited.ExitCode);
        Assert.Equal(ExitCodes.Success, (await Stackl("cancel", task.Id)).ExitCode);
    }

    [Fact]
    public async Task Submit_WaitZero_Exits0WithTheAcceptedTask()
    {
        var result = await Stackl("submit", "demo", "sleep", """{"ms":2000}""", "--wait", "0", "--json");

        var task = ParseTask(result);
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.False(task.Status.IsFinal());
        Assert.Equal(ExitCodes.Success, (await Stackl("cancel", task.Id)).ExitCode);
    }

    [Fact]
    public async Task Submit_UnknownTopic_Exits2WithTheServersDetail()
    {
        var result = await Stackl("submit", "demo", "nope");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("No handler for topic 'demo' and subtype 'nope'", result.Err, StringComparison.Ordinal);
        Assert.Contains("(422 unknown_topic)", result.Err, StringComparison.Ordinal);
        Assert.Empty(result.Out);
    }

    [Theory]
    [InlineData("submit", "demo", "sleep", "{ms:1}")]
    [InlineData("submit", "demo", "sleep", "@/no/such/file.json")]
    [InlineData("submit", "demo", "sleep", "{}", "--wait", "soon")]
    [InlineData("tasks", "list", "--status", "Sleeping")]
    [InlineData("docs", "put", "Environment/Prod", "{}")]
    public async Task BadInput_Exits2(params string[] args)
    {
        var result = await Stackl(args);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
    }

    [Fact]
    public async Task Get_UnknownTask_Exits3WithTheServersDetail()
    {
        var result = await Stackl("get", "01m8cx7vay7edd9zm49tvcsjk7");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains("No task has id '01m8cx7vay7edd9zm49tvcsjk7'", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServer_Exits4()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await StacklCli.RunAsync(["get", "01m8cx7vay7edd9zm49tvcsjk7", "--server", $"http://127.0.0.1:{StacklClientTests.ClosedPort()}"], CliConsole.Captured(output, error));

        Assert.Equal(ExitCodes.Unavailable, exitCode);
        Assert.Contains("Could not reach the Stackl server", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_FinishedTask_PrintsItsFieldsAndLogLines()
    {
        var task = ParseTask(await Stackl("submit", "demo", "sleep", """{"ms":1}""", "--json"));

        var result = await Stackl("get", task.Id);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches($@"(?m)^id\s+{task.Id}$", result.Out);
        Assert.Matches(@"(?m)^log\s+\S+ \S+ sleeping 1 ms$", result.Out);
        Assert.Matches(@"(?m)^completed\s+.+\(\d+ ms\)$", result.Out);
    }

    [Fact]
    public async Task Cancel_RunningTask_Exits0AndPrintsCancelled_ThenAgainExits2()
    {
        var task = ParseTask(await Stackl("submit", "demo", "sleep", """{"ms":20000}""", "--wait", "0", "--json"));

        var cancelled = await Stackl("cancel", task.Id);
        var again = await Stackl("cancel", task.Id);

        Assert.True(cancelled.ExitCode == ExitCodes.Success, cancelled.ToString());
        Assert.Matches(@"(?m)^status\s+Cancelled$", cancelled.Out);
        Assert.Equal(ExitCodes.BadInput, again.ExitCode);
        Assert.Contains("task_final", again.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_PrintsEachTransitionAndExitsByTheFinalStatus()
    {
        var sleeping = ParseTask(await Stackl("submit", "demo", "sleep", """{"ms":600}""", "--wait", "0", "--json"));
        var failed = ParseTask(await Stackl("submit", "demo", "fail", """{"message":"no"}""", "--json"));

        var watched = await Stackl("watch", sleeping.Id);
        var watchedFailed = await Stackl("watch", failed.Id, "--json");

        Assert.True(watched.ExitCode == ExitCodes.Success, watched.ToString());
        Assert.Matches($@"(?m)^\S+ \S+  {sleeping.Id}  Completed  \(\d+ ms\)$", watched.Out);
        Assert.Equal(ExitCodes.TaskNotCompleted, watchedFailed.ExitCode);
        var finalEvent = JsonSerializer.Deserialize(watchedFailed.Out, ContractsJsonContext.Default.TaskEvent)!;
        Assert.Equal(TaskStatus.Failed, finalEvent.Status);
        Assert.Equal("no", finalEvent.Message);
    }

    [Fact]
    public async Task TasksList_ByTopicAndStatus_ShowsTheTaskInATable()
    {
        var failed = ParseTask(await Stackl("submit", "demo", "fail", """{"message":"listed"}""", "--json"));

        var table = await Stackl("tasks", "list", "--topic", "demo", "--status", "Failed", "--limit", "500");
        var json = await Stackl("tasks", "list", "--topic", "demo", "--limit", "1", "--json");

        Assert.Equal(ExitCodes.Success, table.ExitCode);
        Assert.StartsWith("ID", table.Out, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{failed.Id}\s+Failed\s+demo/fail\s+.*handler_failed: listed$", table.Out);
        var page = JsonSerializer.Deserialize(json.Out, ContractsJsonContext.Default.PageTaskView)!;
        Assert.Single(page.Items);
        Assert.NotNull(page.Next);
    }

    [Fact]
    public async Task Docs_PutGetPatchHistoryDelete_RoundTrip()
    {
        var key = TestJson.UniqueKey("environment");

        var put = await Stackl("docs", "put", key, """{"replicas":2,"debug":true}""");
        var patch = await Stackl("docs", "patch", key, """{"replicas":3,"debug":null}""");
        var get = await Stackl("docs", "get", key);
        var first = await Stackl("docs", "get", key, "--version", "1", "--json");
        var history = await Stackl("docs", "history", key);
        var delete = await Stackl("docs", "delete", key);
        var gone = await Stackl("docs", "get", key);
        var deleteAgain = await Stackl("docs", "delete", key);

        Assert.True(put.ExitCode == ExitCodes.Success, put.ToString());
        Assert.Matches(@"(?m)^handler\s+document/put$", put.Out);
        Assert.Equal(ExitCodes.Success, patch.ExitCode);
        Assert.Equal($"{key} version 2\n{{\n  \"replicas\": 3\n}}\n", get.Out.ReplaceLineEndings("\n"));
        Assert.Equal(2, JsonSerializer.Deserialize(first.Out, ContractsJsonContext.Default.HistoryEntry)!.Value!.Value.GetProperty("replicas").GetInt32());
        Assert.Matches(@"(?m)^2\s+\w{26}\s+.+\{""replicas"":3\}$", history.Out);
        Assert.Matches(@"(?m)^1\s+\w{26}\s+.+\{""replicas"":2,""debug"":true\}$", history.Out);
        Assert.Equal(ExitCodes.Success, delete.ExitCode);
        Assert.Equal(ExitCodes.NotFound, gone.ExitCode);
        Assert.Contains("was deleted at version 3", gone.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.TaskNotCompleted, deleteAgain.ExitCode);
        Assert.Matches(@"(?m)^error\s+not_found: ", deleteAgain.Out);
    }

    [Fact]
    public async Task DocsList_ByPrefix_ShowsKeysVersionsAndValues()
    {
        var type = $"cli{Guid.NewGuid():N}";
        Assert.Equal(ExitCodes.Success, (await Stackl("docs", "put", $"{type}/one", """{"n":1}""")).ExitCode);
        Assert.Equal(ExitCodes.Success, (await Stackl("docs", "put", $"{type}/two", """{"n":2}""")).ExitCode);

        var result = await Stackl("docs", "list", $"{type}/");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(
            ["KEY VERSION LOCKED BY VALUE", $"{type}/one 1 {{\"n\":1}}", $"{type}/two 1 {{\"n\":2}}"],
            result.Out.TrimEnd().Split('\n').Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
    }

    [Fact]
    public async Task ClusterAndLocks_ShowTheSiloAndAHeldLock()
    {
        var key = TestJson.UniqueKey("held");
        var task = ParseTask(await Stackl("submit", "demo", "sleep", """{"ms":20000}""", "--documents", key, "--wait", "0", "--json"));
        try
        {
            var locks = await global::Stackl.Testing.Eventually.ValueAsync(
                $"stackl locks lists {key} held by {task.Id}",
                () => Stackl("locks"),
                r => r.Out.Contains($"{key}  {task.Id}", StringComparison.Ordinal),
                TimeSpan.FromSeconds(20));
            var cluster = await Stackl("cluster");

            Assert.Equal(ExitCodes.Success, locks.ExitCode);
            Assert.Equal(ExitCodes.Success, cluster.ExitCode);
            Assert.Contains("(answered)  Active", cluster.Out, StringComparison.Ordinal);
            Assert.Matches(@"(?m)^Running\s+[1-9]", cluster.Out);
        }
        finally
        {
            await Stackl("cancel", task.Id);
        }
    }
}
