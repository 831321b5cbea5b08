using System.Text.Json;
using System.Text.RegularExpressions;
using Stackl.Cli;
using Stackl.Contracts;

namespace Stackl.Client.Tests;

/// <summary><c>stackl chains ...</c> against a real silo over real HTTP.</summary>
[Collection(InProcessSiloCollection.Name)]
public sealed class StacklCliChainTests(InProcessSilo silo)
{
    private Task<CliResult> Stackl(params string[] args) => CliRunner.RunAsync(silo.BaseAddress, args);

    private static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Chains_PutListGetDelete_RoundTrip()
    {
        var name = UniqueName("cli");

        var put = await Stackl("chains", "put", name, "--when-topic", "demo", "--when-subtype", "fail", "--when-status", "Failed", "--when-status", "TimedOut",
            "--topic", "demo", "--subtype", "sleep", "--payload", """{"ms":1}""", "--timeout", "20s");
        var list = await Stackl("chains", "list");
        var get = await Stackl("chains", "get", name, "--json");
        var listJson = await Stackl("chains", "list", "--json");
        var delete = await Stackl("chains", "delete", name);
        var gone = await Stackl("chains", "get", name);
        var deletedAgain = await Stackl("chains", "delete", name);

        Assert.True(put.ExitCode == ExitCodes.Success, put.ToString());
        Assert.Matches($@"(?m)^name\s+{name}$", put.Out);
        Assert.Matches(@"(?m)^when\s+demo/fail Failed,TimedOut$", put.Out);
        Assert.Matches(@"(?m)^then\s+demo/sleep \{""ms"":1\}$", put.Out);
        Assert.True(list.ExitCode == ExitCodes.Success, list.ToString());
        Assert.Matches(@"(?m)^NAME\s+WHEN\s+THEN$", list.Out);
        Assert.True(Regex.IsMatch(list.Out, $@"(?m)^{name}\s+demo/fail Failed,TimedOut\s+demo/sleep$"), list.ToString());
        var rule = JsonSerializer.Deserialize(get.Out, ContractsJsonContext.Default.ChainRuleView)!;
        Assert.Equal([TaskStatus.Failed, TaskStatus.TimedOut], rule.When.Status);
        Assert.Equal((TimeSpan?)TimeSpan.FromSeconds(20), rule.Then.Timeout);
        Assert.Contains(JsonSerializer.Deserialize(listJson.Out, ContractsJsonContext.Default.IReadOnlyListChainRuleView)!, r => r.Name == name);
        Assert.Equal(ExitCodes.Success, delete.ExitCode);
        Assert.Contains($"Deleted chain rule {name}.", delete.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, gone.ExitCode);
        Assert.Contains($"No chain rule is named '{name}'", gone.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, deletedAgain.ExitCode);
    }

    [Fact]
    public async Task ChainsPut_FollowUpFromAFile_AnyStatusDefaultsToCompleted()
    {
        var name = UniqueName("file");
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{"topic": "demo", "subtype": "sleep", "payload": {"ms": 2}, "timeout": "15s"}""");

            var put = await Stackl("chains", "put", name, "--when-topic", "demo", "--when-subtype", "fail", "--then", file, "--json");

            Assert.True(put.ExitCode == ExitCodes.Success, put.ToString());
            var rule = JsonSerializer.Deserialize(put.Out, ContractsJsonContext.Default.ChainRuleView)!;
            Assert.Equal(("demo", "sleep", (TimeSpan?)TimeSpan.FromSeconds(15)), (rule.Then.Topic, rule.Then.Subtype, rule.Then.Timeout));
            Assert.Equal(2, rule.Then.Payload.GetProperty("ms").GetInt32());
        }
        finally
        {
            File.Delete(file);
            await Stackl("chains", "delete", name);
        }
    }

    [Theory]
    [InlineData("chains", "put", "no-when", "--topic", "demo", "--subtype", "sleep")]
    [InlineData("chains", "put", "no-then", "--when-topic", "demo")]
    [InlineData("chains", "put", "both", "--when-topic", "demo", "--then", "task.json", "--topic", "demo", "--subtype", "sleep")]
    [InlineData("chains", "put", "bad-status", "--when-topic", "demo", "--when-status", "Sometimes", "--topic", "demo", "--subtype", "sleep")]
    [InlineData("chains", "put", "not-final", "--when-topic", "demo", "--when-status", "Running", "--topic", "demo", "--subtype", "sleep")]
    [InlineData("chains", "put", "bad name!", "--when-topic", "demo", "--topic", "demo", "--subtype", "sleep")]
    [InlineData("chains", "put", "bad-payload", "--when-topic", "demo", "--topic", "demo", "--subtype", "sleep", "--payload", "{nope")]
    public async Task ChainsPut_BadInput_Exits2(params string[] args)
    {
        var result = await Stackl(args);

        Assert.True(result.ExitCode == ExitCodes.BadInput, result.ToString());
    }

    [Fact]
    public async Task ChainsPut_UnfinishedStatus_PrintsTheServersDetail()
    {
        var result = await Stackl("chains", "put", UniqueName("bad"), "--when-topic", "demo", "--when-status", "Running", "--topic", "demo", "--subtype", "sleep", "--payload", """{"ms":1}""");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("when.status lists Running", result.Err, StringComparison.Ordinal);
        Assert.Contains("(422 invalid_chain)", result.Err, StringComparison.Ordinal);
    }
}
