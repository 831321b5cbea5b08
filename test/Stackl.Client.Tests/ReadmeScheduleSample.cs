using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Client.Tests;

/// <summary>The schedule example of README.md, compiled here and run by <see cref="ReadmeSampleTests"/>.</summary>
/// <remarks>The lines between the README markers are the README's code block, word for word (a test checks it).</remarks>
internal static class ReadmeScheduleSample
{
    public static async Task<TaskView> RunAsync(Uri server)
    {
        // README:begin
        using var client = new StacklClient(new StacklClientOptions { BaseAddress = server });

        // Every night at 02:00 Paris time; a run still going at the next due time makes that one wait (queue).
        var report = new TaskSpec("demo", "echo", JsonSerializer.SerializeToElement(new { report = "daily" }), Timeout: TimeSpan.FromMinutes(5));
        ScheduleView nightly = await client.PutScheduleAsync("nightly-report", new ScheduleSpec(
            "0 0 2 * * *", report, TimeZone: "Europe/Paris", Overlap: ScheduleOverlap.Queue, CatchUp: ScheduleCatchUp.Last));
        Console.WriteLine($"{nightly.Name}: next run {nightly.NextDue:u}");

        // A run now, outside the cron: an ordinary task whose source is schedule/nightly-report.
        TaskView run = await client.TriggerScheduleAsync("nightly-report");
        run = await client.WaitAsync(run.Id, TimeSpan.FromSeconds(30));
        Console.WriteLine($"{run.Id} {run.Status} {run.Result}");

        await client.PauseScheduleAsync("nightly-report");
        // README:end

        return run;
    }
}
