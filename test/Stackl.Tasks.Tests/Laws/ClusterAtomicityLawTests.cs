using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Storage;
using Stackl.Tasks.Queries;
using Stackl.Testing;
using Stackl.Testing.Databases;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Stackl.Tasks.Tests.Laws;

/// <summary>
/// Laws 1 and 3 in a two-silo PostgreSQL cluster: the silo running a task (the victim, which accepted it) is cut off at every fault
/// point of the task's walk and never comes back; the other silo (the survivor) must detect the death and, through its deadline sweep
/// alone, end the task with all of its writes committed or none, and free its locks, long before the task's deadline.
/// </summary>
/// <remarks>
/// The victim is cut off (<see cref="ClusterSilo.Kill"/>), not stopped: its host keeps running in the test process without a
/// connection to its peer or to the database, as a crashed or partitioned machine looks from the survivor. Everything is judged
/// through the survivor: its task table reads (which wake no grain) and its document grains.
/// </remarks>
public sealed class ClusterAtomicityLawTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Far away, so only failure detection and the survivor's deadline sweep can end the task in time.
    private static readonly TimeSpan s_farDeadline = TimeSpan.FromSeconds(60);

    // What the survivor gets to end a dead silo's task: detection (two missed 1 s probes, a vote) plus a few recovery intervals.
    private static readonly TimeSpan s_resolveBound = TimeSpan.FromSeconds(20);

    private readonly TestGates _gates = new();
    private readonly SideEffectJournal _survivorJournal = new();
    private readonly SideEffectJournal _victimJournal = new();
    private readonly Stopwatch _case = Stopwatch.StartNew();
    private ClusterSilo? _survivor;
    private ClusterSilo? _victim;

    private ClusterSilo Survivor => _survivor!;

    private ClusterSilo Victim => _victim!;

    private IDocumentIndex Documents => Survivor.Services.GetRequiredService<IDocumentIndex>();

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("clusterlaws");
        _survivor = await StartSiloAsync(connectionString, "survivor", _survivorJournal);
        _victim = await StartSiloAsync(connectionString, "victim", _victimJournal);
        foreach (var (observer, other) in new[] { (Survivor, Victim), (Victim, Survivor) })
        {
            await Eventually.TrueAsync(
                $"{observer.Address} sees {other.Address} active",
                () => observer.Membership.GetSiloStatus(other.Address) == SiloStatus.Active,
                TimeSpan.FromSeconds(30));
        }
    }

    public async Task DisposeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(
            _victim?.DisposeAsync().AsTask() ?? Task.CompletedTask,
            _survivor?.DisposeAsync().AsTask() ?? Task.CompletedTask);
        output.WriteLine($"Disposing both silos took {stopwatch.ElapsedMilliseconds} ms; the case took {_case.ElapsedMilliseconds} ms in all");
    }

    [Theory]
    [InlineData(FaultPoint.AfterLock, TaskStatus.Failed)]
    [InlineData(FaultPoint.AfterStaging, TaskStatus.Failed)]
    [InlineData(FaultPoint.AfterDecision, TaskStatus.Completed)]
    [InlineData(FaultPoint.BetweenCommits, TaskStatus.Completed)]
    [InlineData(FaultPoint.DecisionAnswerLost, TaskStatus.Completed)]
    public async Task TwoPhaseTransfer_VictimKilledAtFaultPoint_SurvivorResolvesAllOrNothing(FaultPoint point, TaskStatus expected)
    {
        await PutOnSurvivorAsync("account/a", """{"balance":100}""");
        await PutOnSurvivorAsync("account/b", """{"balance":0}""");

        var task = await KillVictimAtAndAwaitSurvivorAsync(point, Spec("document", "transaction", TransferSpecs.TenFromAToB, s_farDeadline));

        AssertStatus(expected, task);
        var committed = expected == TaskStatus.Completed;
        if (!committed)
        {
            Assert.Equal(ErrorCodes.SiloLost, task.Error?.Code);
        }

        Assert.Equal(committed ? """{"balance":90}""" : """{"balance":100}""", await ValueAsync("account/a"));
        Assert.Equal(committed ? """{"balance":10}""" : """{"balance":0}""", await ValueAsync("account/b"));
        await NoLocksAsync();
    }

    [Theory]
    [InlineData(FaultPoint.AfterLock, TaskStatus.Failed)]
    [InlineData(FaultPoint.AfterStaging, TaskStatus.Failed)]
    [InlineData(FaultPoint.AfterDecision, TaskStatus.Completed)]
    [InlineData(FaultPoint.OnePhaseAnswerLost, TaskStatus.Completed)]
    public async Task OnePhasePut_VictimKilledAtFaultPoint_SurvivorResolvesAllOrNothing(FaultPoint point, TaskStatus expected)
    {
        await PutOnSurvivorAsync("config/app", """{"v":1}""");

        var task = await KillVictimAtAndAwaitSurvivorAsync(point, Spec("document", "put", """{"key":"config/app","value":{"v":2}}""", s_farDeadline));

        AssertStatus(expected, task);
        var committed = expected == TaskStatus.Completed;
        if (!committed)
        {
            Assert.Equal(ErrorCodes.SiloLost, task.Error?.Code);
        }

        var document = await Survivor.Services.GetRequiredService<TaskService>().GetDocumentAsync("config/app");
        Assert.Equal(committed ? (2L, """{"v":2}""") : (1L, """{"v":1}"""), (document.Version, document.Value!.Value.GetRawText()));
        Assert.Equal(committed ? 2 : 1, (await Documents.HistoryAsync("config/app", null, 10)).Count);
        await NoLocksAsync();
    }

    [Theory]
    [InlineData(FaultPoint.BetweenSteps, new[] { "do b", "do c" })]
    [InlineData(FaultPoint.DuringStep, new[] { "do a", "do b", "do c" })]
    public async Task Flow_VictimKilledMidFlow_SurvivorResumesItFromItsStoredSteps(FaultPoint point, string[] survivorRuns)
    {
        var flow = """
            {"linear": [
              {"step": "a", "handler": "test/step", "input": {"name": "a"}, "revert": "test/unstep"},
              {"step": "b", "handler": "test/step", "input": {"name": "b", "set": {"env/b": {"from": "b"}}}, "revert": "test/unstep"},
              {"step": "c", "handler": "test/step", "input": {"name": "c"}, "revert": "test/unstep"}
            ]}
            """;

        var task = await KillVictimAtAndAwaitSurvivorAsync(point, Spec("flow", "run", flow, s_farDeadline));

        // Not rolled back as a plain task of a dead silo is: the survivor ran only the steps the database did not have.
        AssertStatus(TaskStatus.Completed, task);
        Assert.Equal(survivorRuns, _survivorJournal.Entries);
        Assert.Equal("""{"from":"b"}""", await ValueAsync("env/b"));
        await NoLocksAsync();
    }

    [Fact]
    public async Task Rollback_VictimKilledBeforeReverts_SurvivorRunsThem()
    {
        var task = await KillVictimAtAndAwaitSurvivorAsync(FaultPoint.DuringRevert, Spec("test", "effects", """{"effects":["a","b"],"fail":true}""", s_farDeadline));

        AssertStatus(TaskStatus.Failed, task);
        Assert.Equal(ErrorCodes.HandlerFailed, task.Error?.Code);
        Assert.Equal(["undo b", "undo a"], _survivorJournal.Entries);

        // The cut-off victim may run them too: its task activation, unaware it was declared dead, re-drives the rollback it holds in
        // memory, and only its final write fails. A revert may run more than once after a crash (TaskContext.OnRevertAsync), so that is within the contract.
        Assert.Equal(["do a", "do b"], _victimJournal.Entries.Take(2));
        output.WriteLine($"The victim's journal: {string.Join(", ", _victimJournal.Entries)}");
    }

    [Fact]
    public async Task Deadline_TaskOfADeadSilo_IsEndedBySurvivorAndItsLocksFreed()
    {
        // The deadline passes while the victim is still taken for alive (detection needs two missed 1 s probes): law 3 says the task
        // is final within its deadline plus the detection time, without anyone asking about it.
        var timeout = TimeSpan.FromSeconds(1);
        await PutOnSurvivorAsync("config/stuck", """{"v":1}""");
        var submitted = await Victim.Services.GetRequiredService<TaskService>().SubmitAsync(
            Spec("test", "gate", """{"gate":"never","set":{"config/stuck":{"v":2}}}""", timeout));
        await _gates.WaitEnteredAsync("never");
        Victim.Kill(Survivor);
        var killed = Stopwatch.StartNew();

        // The victim's own storage goes through the cut proxy too: it can neither read nor write any more.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Victim.Services.GetRequiredService<ITaskIndex>().CountByStatusAsync());

        var task = await FinalOnSurvivorAsync(submitted.Id, killed, "deadline");

        // The design: a running task whose silo died is recovered as silo_lost (its documents say it never committed), deadline passed or not.
        AssertStatus(TaskStatus.Failed, task);
        Assert.Equal(ErrorCodes.SiloLost, task.Error?.Code);
        var overdue = task.Completed!.Value - task.Deadline;
        output.WriteLine($"deadline: the task ended {overdue.TotalMilliseconds:F0} ms after its deadline");
        Assert.True(overdue < s_resolveBound, $"task {task.Id} ended {overdue} after its deadline");
        Assert.Empty(await Documents.ListLocksAsync(100));
        Assert.Equal("""{"v":1}""", await ValueAsync("config/stuck"));
    }

    private Task<ClusterSilo> StartSiloAsync(string connectionString, string name, SideEffectJournal journal) => ClusterSilo.StartAsync(
        connectionString,
        "laws",
        name,
        killable: true,
        configureSilo: (silo, proxied) => silo.UseStacklPostgres(o => o.ConnectionString = proxied).AddTestStackl(),
        configureServices: services => services.AddSingleton(_gates).AddSingleton(journal));

    private static TaskSpec Spec(string topic, string subtype, string payload, TimeSpan timeout) =>
        new(topic, subtype, TransferSpecs.Json(payload), Timeout: timeout);

    private async Task PutOnSurvivorAsync(string key, string value)
    {
        var tasks = Survivor.Services.GetRequiredService<TaskService>();
        var put = await tasks.SubmitAsync(Spec("document", "put", $$"""{"key":"{{key}}","value":{{value}}}""", TimeSpan.FromSeconds(15)));
        AssertStatus(TaskStatus.Completed, (await tasks.GetAsync(put.Id, TimeSpan.FromSeconds(15)))!);
    }

    /// <summary>Runs a task with a far deadline on the victim, kills the victim at the point, and returns the task as the survivor ended it.</summary>
    private async Task<TaskView> KillVictimAtAndAwaitSurvivorAsync(FaultPoint point, TaskSpec spec)
    {
        var (id, killed) = await SubmitToVictimAndKillAtAsync(point, spec);
        var task = await FinalOnSurvivorAsync(id, killed, point.ToString());
        Assert.True(
            task.Completed < task.Deadline - (s_farDeadline / 2),
            $"task {id} ended at {task.Completed:O}, near its deadline {task.Deadline:O}: its deadline ended it, not the recovery");
        return task;
    }

    /// <summary>Submits through the victim (so the task and its executor run there) and cuts the victim off when the task reaches the point.</summary>
    private async Task<(string Id, Stopwatch Killed)> SubmitToVictimAndKillAtAsync(FaultPoint point, TaskSpec spec)
    {
        var killed = new TaskCompletionSource<(string TaskId, Stopwatch Since, string Where)>(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var (silo, where) in Injectors(point))
        {
            silo.Services.GetRequiredService<FaultInjector>().Arm(point, taskId =>
            {
                if (!Victim.IsKilled)
                {
                    Victim.Kill(Survivor);
                }

                killed.TrySetResult((taskId, Stopwatch.StartNew(), where));
            });
        }

        var submitted = await Victim.Services.GetRequiredService<TaskService>().SubmitAsync(spec);
        var (taskId, since, hitOn) = await killed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(submitted.Id, taskId);
        output.WriteLine($"{point}: reached on the {hitOn}, victim cut off {_case.ElapsedMilliseconds} ms into the case");
        return (submitted.Id, since);
    }

    /// <summary>The silos whose injector can see the point: the task grain and its executor run on the victim, a document grain on either silo.</summary>
    private IEnumerable<(ClusterSilo Silo, string Where)> Injectors(FaultPoint point) =>
        point == FaultPoint.OnePhaseAnswerLost ? [(Victim, "victim"), (Survivor, "survivor (the document's silo)")] : [(Victim, "victim")];

    /// <summary>Polls the survivor's task table (which wakes no grain, so nobody asks the task to recover) until the task is final.</summary>
    private async Task<TaskView> FinalOnSurvivorAsync(string id, Stopwatch killed, string label)
    {
        var index = Survivor.Services.GetRequiredService<ITaskIndex>();
        TaskView? task;
        try
        {
            task = await Eventually.ValueAsync(
                $"task {id} is final in the task table, read by the survivor",
                async () => (await index.ListAsync(new TaskQuery(Limit: 50))).SingleOrDefault(t => t.Id == id),
                t => t is not null && t.Status.IsFinal(),
                s_resolveBound);
        }
        catch (TimeoutException timeout)
        {
            throw new XunitException($"{timeout.Message}\nSurvivor's log:\n{string.Join("\n", Survivor.Log.Lines.TakeLast(40))}");
        }

        var resolved = killed.Elapsed;
        output.WriteLine($"{label}: {task!.Status} {task.Error?.Code} {resolved.TotalMilliseconds:F0} ms after the kill");
        return task;
    }

    private async Task<string?> ValueAsync(string key) =>
        (await Survivor.Services.GetRequiredService<TaskService>().GetDocumentAsync(key)).Value?.GetRawText();

    private Task NoLocksAsync() =>
        Eventually.ValueAsync("every document lock is released", async () => (await Documents.ListLocksAsync(100)).Count, n => n == 0, TimeSpan.FromSeconds(15));

    private static void AssertStatus(TaskStatus expected, TaskView task) =>
        Assert.True(task.Status == expected, $"task {task.Id} ({task.Topic}/{task.Subtype}) is {task.Status}, expected {expected}; error: {task.Error}");
}
