using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Storage;
using Stackl.Tasks.Queries;
using Stackl.Tasks.Schedules;
using Stackl.Tasks.Security;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Tasks.Tests.Laws;

/// <summary>
/// A schedule in a two-silo PostgreSQL cluster: the silo running it is cut off and never comes back; its durable reminder brings
/// the schedule back on the other silo, which goes on starting runs, and no due time is started twice.
/// </summary>
public sealed class ScheduleClusterTests : IAsyncLifetime
{
    private ClusterSilo? _survivor;
    private ClusterSilo? _victim;

    private ClusterSilo Survivor => _survivor!;

    private ClusterSilo Victim => _victim!;

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("schedules");
        _survivor = await StartSiloAsync(connectionString, "survivor");
        _victim = await StartSiloAsync(connectionString, "victim");
        await Eventually.TrueAsync("the survivor sees the victim active", () => Survivor.Membership.GetSiloStatus(Victim.Address) == SiloStatus.Active, TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_victim?.DisposeAsync().AsTask() ?? Task.CompletedTask, _survivor?.DisposeAsync().AsTask() ?? Task.CompletedTask);
    }

    [Fact]
    public async Task SiloRunningASchedule_Dies_TheOtherSiloGoesOnWithIt_NoDueTimeStartedTwice()
    {
        // Written through the victim, so the schedule's grain lives there.
        var spec = new ScheduleSpec("* * * * * *", new TaskSpec("demo", "echo", TransferSpecs.Json("""{"tick":true}""")), Overlap: ScheduleOverlap.Allow, CatchUp: ScheduleCatchUp.All);
        await Victim.Services.GetRequiredService<ScheduleService>().PutAsync("tick", spec, StacklPrincipal.Anonymous);
        var tasks = Survivor.Services.GetRequiredService<ITaskIndex>();
        await Eventually.ValueAsync("the schedule started two runs on the victim", () => RunsAsync(tasks), runs => runs.Count >= 2, TimeSpan.FromSeconds(15));

        Victim.Kill(Survivor);
        var atKill = (await RunsAsync(tasks)).Count;

        var runs = await Eventually.ValueAsync("the survivor started five more runs", () => RunsAsync(tasks), r => r.Count >= atKill + 5, TimeSpan.FromSeconds(40));
        var schedule = await Survivor.Services.GetRequiredService<ScheduleService>().SetEnabledAsync("tick", false, StacklPrincipal.Anonymous);

        // One task per due time: runs are a second apart at least (a due time started twice would be one task, by its key).
        Assert.Contains(runs, r => r.Silo == "survivor");
        Assert.Equal(0, schedule!.Skipped);
        var created = runs.Select(r => r.Created).Order().ToList();
        var seconds = (created[^1] - created[0]).TotalSeconds;
        Assert.True(runs.Count <= Math.Floor(seconds) + 2, $"{runs.Count} runs of a once-a-second schedule within {seconds:F1} s: a due time was started twice");
    }

    private static async Task<IReadOnlyList<TaskView>> RunsAsync(ITaskIndex tasks) =>
        await tasks.ListAsync(new TaskQuery(Source: "schedule/tick", Limit: 500));

    private static Task<ClusterSilo> StartSiloAsync(string connectionString, string name) => ClusterSilo.StartAsync(
        connectionString,
        "schedules",
        name,
        killable: true,
        configureSilo: (silo, proxied) => silo.UseStacklPostgres(o => o.ConnectionString = proxied).AddTestStackl(),
        configureServices: services => services.AddSingleton(new TestGates()).AddSingleton(new SideEffectJournal()));
}
