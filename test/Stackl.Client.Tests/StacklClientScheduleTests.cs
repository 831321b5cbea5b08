using System.Text.Json;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Client.Tests;

/// <summary>The SDK's schedule calls against a real silo over real HTTP.</summary>
[Collection(InProcessSiloCollection.Name)]
public sealed class StacklClientScheduleTests(InProcessSilo silo)
{
    /// <summary>A schedule name no other test uses: the in-process silo is shared.</summary>
    private static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Fact]
    public async Task Schedule_PutGetListTriggerPauseResumeDelete_RoundTrips()
    {
        using var client = silo.CreateClient();
        var name = UniqueName("sdk");
        var task = new TaskSpec("demo", "echo", TestJson.Parse("""{"from": "schedule"}"""), Timeout: TimeSpan.FromSeconds(20));

        var created = await client.PutScheduleAsync(name, new ScheduleSpec("0 0 3 * * *", task, "Europe/Paris", ScheduleOverlap.Queue, ScheduleCatchUp.All));
        var read = await client.GetScheduleAsync(name);
        var listed = await ListAllAsync(client);
        var run = await client.TriggerScheduleAsync(name);
        var final = await client.WaitAsync(run.Id, TimeSpan.FromSeconds(30));
        var paused = await client.PauseScheduleAsync(name);
        var resumed = await client.ResumeScheduleAsync(name);
        await client.DeleteScheduleAsync(name);

        Assert.Equal((name, "0 0 3 * * *", "Europe/Paris", ScheduleOverlap.Queue, ScheduleCatchUp.All, true), (created.Name, created.Cron, created.TimeZone, created.Overlap, created.CatchUp, created.Enabled));
        Assert.Equal((TimeSpan?)TimeSpan.FromSeconds(20), read.Task.Timeout);
        Assert.Equal("schedule", read.Task.Payload.GetProperty("from").GetString());
        Assert.Equal(created.NextDue, read.NextDue);
        Assert.Contains(listed, s => s.Name == name);
        Assert.Equal(($"schedule/{name}", TaskStatus.Completed), (final.Source, final.Status));
        Assert.Equal("schedule", final.Result!.Value.GetProperty("from").GetString());
        Assert.Equal((false, 1L, run.Id, (DateTimeOffset?)null), (paused.Enabled, paused.Runs, paused.LastTaskId, paused.NextDue));
        Assert.True(resumed.Enabled);
        Assert.NotNull(resumed.NextDue);
        var gone = await Assert.ThrowsAsync<StacklNotFoundException>(() => client.GetScheduleAsync(name));
        Assert.Contains(name, gone.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StacklNotFoundException>(() => client.DeleteScheduleAsync(name));
    }

    [Fact]
    public async Task Put_BadCron_Throws422InvalidSchedule_AndStoresNothing()
    {
        using var client = silo.CreateClient();
        var name = UniqueName("bad");

        var refused = await Assert.ThrowsAsync<StacklBadRequestException>(() => client.PutScheduleAsync(name, new ScheduleSpec("every day", TestJson.Echo("{}"))));

        Assert.Equal((422, ErrorCodes.InvalidSchedule), ((int)refused.StatusCode, refused.Code));
        Assert.Contains("cron 'every day'", refused.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StacklNotFoundException>(() => client.GetScheduleAsync(name));
    }

    [Fact]
    public async Task Put_TaskTheServerRefuses_Throws422WithTheTasksCode()
    {
        using var client = silo.CreateClient();

        var refused = await Assert.ThrowsAsync<StacklBadRequestException>(() => client.PutScheduleAsync(UniqueName("bad"), new ScheduleSpec("* * * * *", new TaskSpec("demo", "nope", TestJson.Parse("{}")))));

        Assert.Equal((422, ErrorCodes.UnknownTopic), ((int)refused.StatusCode, refused.Code));
        Assert.StartsWith("task: ", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EverySecond_StartsRuns_UntilPaused()
    {
        using var client = silo.CreateClient();
        var name = UniqueName("tick");
        await client.PutScheduleAsync(name, new ScheduleSpec("* * * * * *", TestJson.Echo("""{"tick": true}"""), Overlap: ScheduleOverlap.Allow, CatchUp: ScheduleCatchUp.None));
        try
        {
            var ticking = await Eventually.ValueAsync(
                $"schedule {name} has started 2 runs",
                () => client.GetScheduleAsync(name),
                s => s.Runs >= 2,
                TimeSpan.FromSeconds(20));
            var paused = await client.PauseScheduleAsync(name);
            var lastRun = await client.WaitAsync(paused.LastTaskId!, TimeSpan.FromSeconds(30));

            Assert.True(paused.Runs >= 2, $"runs {paused.Runs}");
            Assert.Equal(($"schedule/{name}", TaskStatus.Completed), (lastRun.Source, lastRun.Status));
            Assert.True(ticking.LastDue <= paused.LastDue);
        }
        finally
        {
            await client.DeleteScheduleAsync(name);
        }
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

    private static async Task<List<ScheduleView>> ListAllAsync(StacklClient client)
    {
        var all = new List<ScheduleView>();
        string? after = null;
        do
        {
            var page = await client.ListSchedulesAsync(after, limit: 2);
            Assert.True(page.Items.Count <= 2);
            all.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        return all;
    }
}
