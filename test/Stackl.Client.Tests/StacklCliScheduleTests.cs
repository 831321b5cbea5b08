using System.Text.Json;
using System.Text.RegularExpressions;
using Stackl.Cli;
using Stackl.Contracts;

namespace Stackl.Client.Tests;

/// <summary><c>stackl schedules ...</c> against a real silo over real HTTP.</summary>
[Collection(InProcessSiloCollection.Name)]
public sealed class StacklCliScheduleTests(InProcessSilo silo)
{
    private Task<CliResult> Stackl(params string[] args) => CliRunner.RunAsync(silo.BaseAddress, args);

    private static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Schedules_PutListGetTriggerPauseDelete_RoundTrip()
    {
        var name = UniqueName("cli");

        var put = await Stackl("schedules", "put", name, "--cron", "0 30 4 * * *", "--time-zone", "Europe/Paris", "--overlap", "queue", "--catch-up", "none",
            "--topic", "demo", "--subtype", "echo", "--payload", """{"from":"cli"}""", "--timeout", "20s");
        var list = await Stackl("schedules", "list", "--limit", "500");
        var get = await Stackl("schedules", "get", name, "--json");
        var trigger = await Stackl("schedules", "trigger", name, "--wait", "30s");
        var pause = await Stackl("schedules", "pause", name);
        var listed = await Stackl("schedules", "list", "--limit", "500");
        var delete = await Stackl("schedules", "delete", name);
        var gone = await Stackl("schedules", "get", name);

        Assert.True(put.ExitCode == ExitCodes.Success, put.ToString());
        Assert.Matches(@"(?m)^cron\s+0 30 4 \* \* \*$", put.Out);
        Assert.Matches(@"(?m)^overlap\s+queue$", put.Out);
        Assert.Matches(@"(?m)^enabled\s+yes$", put.Out);
        Assert.True(list.ExitCode == ExitCodes.Success, list.ToString());
        Assert.Matches(@"(?m)^NAME\s+CRON\s+TIME ZONE\s+ENABLED\s+NEXT DUE\s+LAST DUE\s+LAST TASK\s+RUNS\s+SKIPPED$", list.Out);
        Assert.True(Regex.IsMatch(list.Out, $@"(?m)^{name}\s+0 30 4 \* \* \*\s+Europe/Paris\s+yes\s+\S+ \S+\s+0\s+0$"), list.ToString());
        var schedule = JsonSerializer.Deserialize(get.Out, ContractsJsonContext.Default.ScheduleView)!;
        Assert.Equal((TimeSpan?)TimeSpan.FromSeconds(20), schedule.Task.Timeout);
        Assert.Equal((ScheduleOverlap.Queue, ScheduleCatchUp.None), (schedule.Overlap, schedule.CatchUp));
        Assert.True(trigger.ExitCode == ExitCodes.Success, trigger.ToString());
        Assert.Matches(@"(?m)^status\s+Completed$", trigger.Out);
        Assert.Matches(@"(?m)^result\s+\{""from"":""cli""\}$", trigger.Out);
        Assert.Matches(@"(?m)^enabled\s+no$", pause.Out);
        Assert.True(Regex.IsMatch(listed.Out, $@"(?m)^{name}\s+0 30 4 \* \* \*\s+Europe/Paris\s+no\s+(\S+ \S+\s+)?[0-9a-z]{{26}}\s+1\s+0$"), listed.ToString());
        Assert.Equal(ExitCodes.Success, delete.ExitCode);
        Assert.Equal(ExitCodes.NotFound, gone.ExitCode);
        Assert.Contains($"No schedule is named '{name}'", gone.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchedulesPut_TaskFromAFile_Paused_StartsNothing()
    {
        var name = UniqueName("file");
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{"topic": "demo", "subtype": "echo", "payload": {"n": 1}, "timeout": "15s"}""");

            var put = await Stackl("schedules", "put", name, "--cron", "* * * * * *", "--task", file, "--paused", "--json");

            var schedule = JsonSerializer.Deserialize(put.Out, ContractsJsonContext.Default.ScheduleView)!;
            Assert.True(put.ExitCode == ExitCodes.Success, put.ToString());
            Assert.Equal((false, (DateTimeOffset?)null, 0L), (schedule.Enabled, schedule.NextDue, schedule.Runs));
            Assert.Equal(("demo", "echo", (TimeSpan?)TimeSpan.FromSeconds(15)), (schedule.Task.Topic, schedule.Task.Subtype, schedule.Task.Timeout));
        }
        finally
        {
            File.Delete(file);
            await Stackl("schedules", "delete", name);
        }
    }

    [Fact]
    public async Task SchedulesTrigger_WithoutWait_PrintsTheAcceptedRun()
    {
        var name = UniqueName("now");
        await Stackl("schedules", "put", name, "--cron", "0 0 1 1 *", "--topic", "demo", "--subtype", "echo");
        try
        {
            var trigger = await Stackl("schedules", "trigger", name, "--json");

            var run = JsonSerializer.Deserialize(trigger.Out, ContractsJsonContext.Default.TaskView)!;
            Assert.Equal(ExitCodes.Success, trigger.ExitCode);
            Assert.Equal($"schedule/{name}", run.Source);
        }
        finally
        {
            await Stackl("schedules", "delete", name);
        }
    }

    [Theory]
    [InlineData("schedules", "put", "bad-cron", "--cron", "every day", "--topic", "demo", "--subtype", "echo")]
    [InlineData("schedules", "put", "bad-zone", "--cron", "* * * * *", "--time-zone", "Nowhere/Land", "--topic", "demo", "--subtype", "echo")]
    [InlineData("schedules", "put", "no-task", "--cron", "* * * * *")]
    [InlineData("schedules", "put", "both", "--cron", "* * * * *", "--task", "task.json", "--topic", "demo", "--subtype", "echo")]
    [InlineData("schedules", "put", "bad-overlap", "--cron", "* * * * *", "--overlap", "sometimes", "--topic", "demo", "--subtype", "echo")]
    public async Task SchedulesPut_BadInput_Exits2(params string[] args)
    {
        var result = await Stackl(args);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
    }

    [Fact]
    public async Task SchedulesPut_BadCron_PrintsTheServersDetail()
    {
        var result = await Stackl("schedules", "put", UniqueName("bad"), "--cron", "every day", "--topic", "demo", "--subtype", "echo");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("cron 'every day' is not a cron expression", result.Err, StringComparison.Ordinal);
        Assert.Contains("(422 invalid_schedule)", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchedulesPauseAndTrigger_UnknownName_Exit3()
    {
        Assert.Equal(ExitCodes.NotFound, (await Stackl("schedules", "pause", UniqueName("none"))).ExitCode);
        Assert.Equal(ExitCodes.NotFound, (await Stackl("schedules", "trigger", UniqueName("none"))).ExitCode);
    }
}
