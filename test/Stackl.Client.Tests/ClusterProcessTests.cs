using System.Diagnostics;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;
using Xunit.Abstractions;

namespace Stackl.Client.Tests;

/// <summary>
/// Two built silos as real processes in one PostgreSQL cluster. One is killed (SIGKILL) or frozen (SIGSTOP) while its tasks run;
/// the survivor declares it dead and resolves its tasks long before their deadlines, without anybody asking about them (law 3 in
/// a cluster), while the survivor's own tasks run on undisturbed. A frozen silo that wakes overwrites nothing.
/// </summary>
public sealed class ClusterProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_taskTimeout = TimeSpan.FromMinutes(3);

    // Far below the tasks' deadlines: only failure detection and the survivor's deadline sweep can resolve them this early. The
    // measured times are printed (README, Cluster); the bound leaves room for a loaded CI machine.
    private static readonly TimeSpan s_resolvedWithin = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task KilledSilo_ItsRunningTasksAreResolvedByTheSurvivor_LongBeforeTheirDeadlines()
    {
        await using var cluster = await TwoSilosAsync(victimSleep: TimeSpan.FromMinutes(2));

        var clock = Stopwatch.StartNew();
        await cluster.Victim.KillAsync();

        await cluster.VictimTasksResolvedAsync(clock, "killed (SIGKILL)");
        await cluster.SurvivorTasksStillRunAsync();
    }

    [Fact]
    public async Task FrozenSilo_IsDeclaredDead_ItsTasksAreResolved_AndWhenItWakesItOverwritesNothing()
    {
        // The victim's handlers finish while it is frozen: on waking, its first act is to try to commit them.
        await using var cluster = await TwoSilosAsync(victimSleep: TimeSpan.FromSeconds(6));

        var clock = Stopwatch.StartNew();
        cluster.Victim.Freeze();

        var resolved = await cluster.VictimTasksResolvedAsync(clock, "frozen (SIGSTOP)");
        var documentsThen = await cluster.VictimDocumentsAsync();
        cluster.Victim.Resume();

        await Eventually.ValueAsync(
            "the woken silo, declared dead, leaves the cluster (its process exits)",
            () => Task.FromResult(cluster.Victim.HasExited),
            exited => exited,
            TimeSpan.FromSeconds(60));
        output.WriteLine($"the woken silo's last output:\n{cluster.Victim.Tail}");

        foreach (var task in resolved)
        {
            var now = await cluster.ViaSurvivor.GetAsync(task.Id);
            Assert.True(
                now.Status == TaskStatus.Failed && now.Error?.Code == ErrorCodes.SiloLost,
                $"task {task.Id} was resolved as silo_lost, but after its silo woke it is {now.Status} ({now.Error})");
        }

        Assert.Equal(documentsThen, await cluster.VictimDocumentsAsync());
        await cluster.SurvivorTasksStillRunAsync();
    }

    private async Task<TwoSiloCluster> TwoSilosAsync(TimeSpan victimSleep)
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("cluster");
        var clusterId = $"c{Guid.NewGuid():N}";
        var cluster = new TwoSiloCluster(output, $"cluster{Guid.NewGuid():N}");
        try
        {
            cluster.Survivor = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "survivor", "survivor start");
            cluster.Victim = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "victim", "victim start");
            await cluster.StartTasksAsync(victimSleep);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private sealed class TwoSiloCluster(ITestOutputHelper output, string type) : IAsyncDisposable
    {
        private readonly List<string> _victims = [];
        private readonly List<string> _survivors = [];
        private StacklClient? _viaSurvivor;

        public SiloProcess Survivor { get; set; } = null!;

        public SiloProcess Victim { get; set; } = null!;

        public StacklClient ViaSurvivor => _viaSurvivor ??= Survivor.Client();

        public async Task StartTasksAsync(TimeSpan victimSleep)
        {
            using var viaVictim = Victim.Client();
            await Eventually.ValueAsync(
                "both silos are Active in the survivor's /api/cluster",
                () => ViaSurvivor.GetClusterAsync(),
                cluster => cluster.Silos.Count(s => s.Status == "Active") == 2,
                TimeSpan.FromSeconds(60));

            // A task runs on the silo that accepted it.
            for (var i = 0; i < 4; i++)
            {
                await viaVictim.PutDocumentAsync($"{type}/victim-{i}", TestJson.Parse("""{"n":0}"""), wait: TimeSpan.FromSeconds(10));
                var spec = TestJson.Sleep((int)victimSleep.TotalMilliseconds, [$"{type}/victim-{i}"], s_taskTimeout);
                _victims.Add((await viaVictim.SubmitAsync(spec, wait: TimeSpan.Zero)).Id);
            }

            for (var i = 0; i < 2; i++)
            {
                _survivors.Add((await ViaSurvivor.SubmitAsync(TestJson.Sleep(120_000, [$"{type}/survivor-{i}"], s_taskTimeout), wait: TimeSpan.Zero)).Id);
            }

            await Eventually.ValueAsync(
                "all six tasks hold their document's lock",
                () => ViaSurvivor.ListLocksAsync(limit: 500),
                locks => locks.Count(l => l.Key.StartsWith(type, StringComparison.Ordinal)) == 6,
                TimeSpan.FromSeconds(30));
        }

        /// <summary>Waits until the victim's tasks are final, read from the task table (listing wakes no grain, so nothing here asks them to recover).</summary>
        public async Task<List<TaskView>> VictimTasksResolvedAsync(Stopwatch sinceFailure, string how)
        {
            List<TaskView> failed;
            try
            {
                failed = await Eventually.ValueAsync(
                    $"the {how} silo's tasks [{string.Join(", ", _victims)}] are Failed in the task table",
                    async () => (await ViaSurvivor.ListTasksAsync(TaskStatus.Failed, "demo", limit: 500)).Items.Where(t => _victims.Contains(t.Id)).ToList(),
                    done => done.Count == _victims.Count,
                    s_resolvedWithin);
            }
            catch (TimeoutException timeout)
            {
                var cluster = await ViaSurvivor.GetClusterAsync();
                throw new TimeoutException($"{timeout.Message}\nmembership: {string.Join(", ", cluster.Silos.Select(s => $"{s.Name} {s.Status}"))}\nthe survivor's output:\n{Survivor.Tail}", timeout);
            }

            output.WriteLine($"the {how} silo's {_victims.Count} tasks were final {sinceFailure.Elapsed.TotalSeconds:0.0} s after it failed (their deadlines were {s_taskTimeout.TotalSeconds:0} s away)");
            Assert.All(failed, task => Assert.Equal(ErrorCodes.SiloLost, task.Error?.Code));
            var locks = await ViaSurvivor.ListLocksAsync(limit: 500);
            Assert.DoesNotContain(locks, l => l.Key.StartsWith($"{type}/victim", StringComparison.Ordinal));
            return failed;
        }

        /// <summary>The victim tasks' documents: key, version and lock holder.</summary>
        public async Task<List<string>> VictimDocumentsAsync()
        {
            var documents = new List<string>();
            for (var i = 0; i < _victims.Count; i++)
            {
                var document = await ViaSurvivor.GetDocumentAsync($"{type}/victim-{i}");
                documents.Add($"{document.Key} v{document.Version} {document.Value} locked by {document.LockedBy ?? "nobody"}");
            }

            return documents;
        }

        public async Task SurvivorTasksStillRunAsync()
        {
            foreach (var id in _survivors)
            {
                var task = await ViaSurvivor.GetAsync(id);
                Assert.True(task.Status == TaskStatus.Running, $"task {id} on the survivor should still run, but it is {task.Status} ({task.Error}).");
            }
        }

        public async ValueTask DisposeAsync()
        {
            _viaSurvivor?.Dispose();
            if (Victim is not null)
            {
                await Victim.DisposeAsync();
            }

            if (Survivor is not null)
            {
                await Survivor.DisposeAsync();
            }
        }
    }
}
