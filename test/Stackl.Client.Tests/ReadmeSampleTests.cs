
namespace Stackl.Client.Tests;

[Collection(InProcessSiloCollection.Name)]
public sealed class ReadmeSampleTests(InProcessSilo silo)
{
    [Fact]
    public async Task ReadmeSample_RunsAgainstASilo_AndMovesTheMoney()
    {
        await ReadmeSample.RunAsync(silo.BaseAddress);

        using var client = silo.CreateClient();
        var alice = await client.GetDocumentAsync("account/alice");
        var bob = await client.GetDocumentAsync("account/bob");
        var transfers = await client.ListTasksAsync(TaskStatus.Completed, "document", limit: 500);
        Assert.Equal(70, TestJson.Balance(alice));
        Assert.Equal(30, TestJson.Balance(bob));
        Assert.Contains(transfers.Items, t => t.Subtype == "transaction" && t.Documents.SequenceEqual(["account/alice", "account/bob"]));
    }

    [Fact]
    public async Task ReadmeClusterSample_RunsThroughTheSilosGateway()
    {
        var task = await ReadmeClusterSample.RunAsync(silo.Gateway);

        Assert.Equal(TaskStatus.Completed, task.Status);
        Assert.Equal("cluster", task.Result!.Value.GetProperty("hello").GetString());
    }

    [Fact]
    public async Task ReadmeScheduleSample_RunsAgainstASilo()
    {
        var run = await ReadmeScheduleSample.RunAsync(silo.BaseAddress);

        using var client = silo.CreateClient();
        var schedule = await client.GetScheduleAsync("nightly-report");
        Assert.Equal((TaskStatus.Completed, "schedule/nightly-report"), (run.Status, run.Source));
        Assert.Equal("daily", run.Result!.Value.GetProperty("report").GetString());
        Assert.False(schedule.Enabled);
        await client.DeleteScheduleAsync("nightly-report");
    }

    [Theory]
    [InlineData("ReadmeSample.cs")]
    [InlineData("ReadmeClusterSample.cs")]
    [InlineData("ReadmeFlowSample.cs")]
    [InlineData("ReadmeScheduleSample.cs")]
    public void Readme_SdkSection_IsTheCompiledSampleWordForWord(string file)
    {
        var source = File.ReadAllLines(Path.Combine(BuildOutput.RepositoryRoot, "test", "Stackl.Client.Tests", file));
        var readme = File.ReadAllText(Path.Combine(BuildOutput.RepositoryRoot, "README.md")).ReplaceLineEndings("\n");
        var blocks = 0;

        // Each README:begin ... README:end pair is one code block of the README.
        for (var begin = Array.FindIndex(source, l => l.Trim() == "// README:begin"); begin >= 0; begin = Array.FindIndex(source, begin + 1, l => l.Trim() == "// README:begin"))
        {
            var end = Array.FindIndex(source, begin, l => l.Trim() == "// README:end");
            var indent = source[begin].Length - source[begin].TrimStart().Length;
            var sample = string.Join('\n', source[(begin + 1)..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
            Assert.True(readme.Contains("```csharp\n" + sample + "\n```", StringComparison.Ordinal), $"README.md must hold {file}'s code between its markers, word for word:\n{sample}");
            blocks++;
        }

        Assert.True(blocks > 0, $"{file} has no README:begin marker.");
    }
}
