using System.Diagnostics;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;
using Xunit.Abstractions;

namespace Stackl.Client.Tests;

/// <summary>
/// Two built silos as real processes in one PostgreSQL cluster. One is killed (SIGKILL) while its tasks run; the survivor
/// declares it dead and resolves its tasks long before their deadlines, without anybody asking about them (law 3 in a cluster),
/// while the survivor's own tasks run on undisturbed.
/// </summary>
public sealed class ClusterProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_taskTimeout = TimeSpan.FromMinutes(3);

    // Far below the tasks' deadlines: only failure detection, the directory's recovery and the survivor's reminders can resolve
    // them this early. (Orleans' distributed directory holds a crashed silo's grains for about 20 s before they may reactivate.)
    private static readonly TimeSpan s_resolvedWithin = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KilledSilo_ItsRunningTasksAreResolvedByTheSurvivor_LongBeforeTheirDeadlines()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("cluster");
        var clusterId = $"c{Guid.NewGuid():N}";
        var type = $"cluster{Guid.NewGuid():N}";
        await using var survivor = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "survivor", "survivor start");
        await using var victim = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "victim", "victim start");
        using var viaSurvivor = new StacklClient(survivor.BaseAddress);
        using var viaVictim = new StacklClient(victim.BaseAddress);
        await Eventually.ValueAsync(
            "both silos are Active in the survivor's /api/cluster",
            () => viaSurvivor.GetClusterAsync(),
            cluster => cluster.Silos.Count(s => s.Status == "Active") == 2,
            TimeSpan.FromSeconds(60));

        // A task runs on the silo that accepted it.
        var victims = new List<string>();
        var survivors = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            victims.Add((await viaVictim.SubmitAsync(TestJson.Sleep(120_000, [$"{type}/victim-{i}"], s_taskTimeout), wait: TimeSpan.Zero)).Id);
        }

        for (var i = 0; i < 2; i++)
        {
            survivors.Add((await viaSurvivor.SubmitAsync(TestJson.Sleep(120_000, [$"{type}/survivor-{i}"], s_taskTimeout), wait: TimeSpan.Zero)).Id);
        }

        await Eventually.ValueAsync(
            "all six tasks hold their document's lock",
            () => viaSurvivor.ListLocksAsync(limit: 500),
            locks => locks.Count(l => l.Key.StartsWith(type, StringComparison.Ordinal)) == 6,
            TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        await victim.KillAsync();

        // Read from the task table's index: listing wakes no grain, so nothing here asks the victim's tasks to recover.
        List<TaskView> failed;
        try
        {
            failed = await Eventually.ValueAsync(
                $"the killed silo's tasks [{string.Join(", ", victims)}] are Failed in the task table",
                async () => (await viaSurvivor.ListTasksAsync(TaskStatus.Failed, "demo", limit: 500)).Items.Where(t => victims.Contains(t.Id)).ToList(),
                done => done.Count == victims.Count,
                s_resolvedWithin);
        }
        catch (TimeoutException timeout)
        {
            var cluster = await viaSurvivor.GetClusterAsync();
            throw new TimeoutException($"{timeout.Message}\nmembership: {string.Join(", ", cluster.Silos.Select(s => $"{s.Name} {s.Status}"))}\nthe survivor's output:\n{survivor.Tail}", timeout);
        }

        var resolvedAfter = clock.Elapsed;
        output.WriteLine($"the killed silo's {victims.Count} tasks were final {resolvedAfter.TotalSeconds:0.0} s after the kill (their deadlines were {s_taskTimeout.TotalSeconds:0} s away)");

        Assert.All(failed, task => Assert.Equal(ErrorCodes.SiloLost, task.Error?.Code));
        var locks = await viaSurvivor.ListLocksAsync(limit: 500);
        Assert.DoesNotContain(locks, l => l.Key.StartsWith($"{type}/victim", StringComparison.Ordinal));
        foreach (var id in survivors)
        {
            var task = await viaSurvivor.GetAsync(id);
            Assert.True(task.Status == TaskStatus.Running, $"task {id} on the survivor should still run, but it is {task.Status} ({task.Error}).");
        }
    }
}
