using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Runtime;
using Stackl.Runtime.Hosting;
using Stackl.Runtime.Storage;
using Stackl.Runtime.Testing;
using Stackl.Storage;
using Stackl.Tasks;

namespace Stackl.Benchmarks;

/// <summary>Durable task throughput and latency through <see cref="TaskService"/>, in process, on one engine.</summary>
public static class TaskBenchmarks
{
    private const int Producers = 64;
    private const int HotKeys = 10;

    // Far above any task's latency here: a task that needs it is reported as not final, never silently dropped.
    private static readonly TimeSpan s_finalWait = TimeSpan.FromSeconds(30);

    /// <summary>Prints the task figures of one engine; <paramref name="engine"/> names it in every line.</summary>
    /// <param name="engine">The engine's name, e.g. "SQLite".</param>
    /// <param name="storage">Picks the engine (<c>UseSqliteStorage</c> or <c>UsePostgresStorage</c>).</param>
    /// <param name="duration">The measuring time of each figure.</param>
    public static async Task RunAsync(string engine, Action<SiloBuilder> storage, TimeSpan duration)
    {
        var writes = new WriteCounts();
        await using var host = await TestSiloHost.StartAsync(silo =>
        {
            storage(silo);
            silo.AddStacklTasks();
            CountWrites(silo.Services, writes);
        });
        var tasks = host.Services.GetRequiredService<TaskService>();
        var engineCommits = host.Services.GetRequiredService<StorageEngine>();
        writes.GroupCommits = () => engineCommits.GroupCommits;
        var run = Guid.NewGuid().ToString("N")[..8];

        // Not measured: tiered JIT needs several seconds of load before the hot paths run optimized code (a silo runs for days).
        var warmKeys = Enumerable.Range(0, Producers).Select(p => Put($"bench/warm-{run}-{p}", p)).ToArray();
        await ClosedLoopAsync(tasks, Producers, (p, _) => warmKeys[p], TaskStatus.Completed, WarmUp(duration), writes);

        var ownKeys = Enumerable.Range(0, Producers).Select(p => Put($"bench/own-{run}-{p}", p)).ToArray();
        var peak = await ClosedLoopAsync(tasks, Producers, (p, _) => ownKeys[p], TaskStatus.Completed, duration, writes);
        Print($"(d) durable document/put tasks/s, {Producers} producers each on its own key, {engine}:", peak.PerSecond, peak);

        var hotKeys = Enumerable.Range(0, HotKeys).Select(k => Put($"bench/hot-{run}-{k}", k)).ToArray();
        var hot = await ClosedLoopAsync(tasks, Producers, (p, _) => hotKeys[p % HotKeys], TaskStatus.Completed, duration, writes);
        Print($"(d) same on {HotKeys} hot keys ({Producers / HotKeys}-{(Producers + HotKeys - 1) / HotKeys} producers per key), {engine}:", hot.PerSecond, hot);

        // The documents exist, so the assert (not a missing path) is what fails; the set before it is never committed.
        var failing = Enumerable.Range(0, Producers).Select(p => FailingTransaction($"bench/tx-{run}-{p}")).ToArray();
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => RunOneAsync(tasks, Spec("put", $$$"""{"key":"bench/tx-{{{run}}}-{{{p}}}","value":{"n":0}}"""))));
        var rolledBack = await ClosedLoopAsync(tasks, Producers, (p, _) => failing[p], TaskStatus.Failed, duration, writes);
        Print($"(e) failing document/transaction tasks rolled back/s, {Producers} producers, {engine}:", rolledBack.PerSecond, rolledBack);

        var sequential = await SequentialAsync(tasks, Put($"bench/seq-{run}", 0), duration, writes);
        Console.WriteLine($"(f) sequential submit -> final, one producer, {engine}: p50 {sequential.P50:0.00} ms, p99 {sequential.P99:0.00} ms  ({sequential.Count:N0} tasks, {sequential.GroupCommitsPerTask:0.0} group commits per task)");

        var rate = Math.Max(1, peak.PerSecond / 2);
        var openKeys = Enumerable.Range(0, 1024).Select(k => Put($"bench/open-{run}-{k}", k)).ToArray();
        var open = await OpenLoopAsync(tasks, i => openKeys[i % openKeys.Length], rate, duration);
        Console.WriteLine($"(g) submit -> final at {rate:N0} tasks/s (half the peak), open loop, {engine}: p50 {open.P50:0.00} ms, p99 {open.P99:0.00} ms  ({open.Count:N0} tasks{(open.NotCompleted > 0 ? $", {open.NotCompleted} not completed" : "")})");
    }

    /// <summary>The warm-up before an engine's figures: as long as one figure, at most 5 s.</summary>
    public static TimeSpan WarmUp(TimeSpan duration) => duration < TimeSpan.FromSeconds(5) ? duration : TimeSpan.FromSeconds(5);

    private static void Print(string label, double perSecond, ClosedLoopResult result)
    {
        var problems = result.Unexpected > 0 ? $", {result.Unexpected} ended otherwise: {result.FirstUnexpected}" : "";
        Console.WriteLine($"{label} {perSecond,10:N0}  (durable writes per task: {result.Writes}{problems})");
    }

    private static TaskSpec Put(string key, int value) => Spec("put", $$$"""{"key":"{{{key}}}","value":{"producer":{{{value}}},"note":"a small document"}}""");

    private static TaskSpec FailingTransaction(string key) => Spec(
        "transaction",
        $$$"""{"ops":[{"op":"set","key":"{{{key}}}","path":"/n","value":1},{"op":"assert","key":"{{{key}}}","path":"/n","equals":-1}]}""");

    private static TaskSpec Spec(string subtype, string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return new TaskSpec("document", subtype, document.RootElement.Clone(), Source: "bench");
    }

    private static async Task<TaskView?> RunOneAsync(TaskService tasks, TaskSpec spec)
    {
        var submitted = await tasks.SubmitAsync(spec);
        return await tasks.GetAsync(submitted.Id, s_finalWait);
    }

    /// <summary>Each producer submits, waits for the final status, and repeats until the time is up.</summary>
    private static async Task<ClosedLoopResult> ClosedLoopAsync(TaskService tasks, int producers, Func<int, long, TaskSpec> spec, TaskStatus expected, TimeSpan duration, WriteCounts writes)
    {
        long finished = 0;
        long unexpected = 0;
        string? firstUnexpected = null;
        var writesBefore = writes.Snapshot();
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            for (long i = 0; Stopwatch.GetTimestamp() < stopAt; i++)
            {
                var view = await RunOneAsync(tasks, spec(p, i));
                if (view?.Status == expected)
                {
                    Interlocked.Increment(ref finished);
                }
                else
                {
                    Interlocked.Increment(ref unexpected);
                    Interlocked.CompareExchange(ref firstUnexpected, $"{view?.Id} {view?.Status} {view?.Error}", null);
                }
            }
        })));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var total = finished + unexpected;
        return new ClosedLoopResult(finished / seconds, unexpected, firstUnexpected, writes.Snapshot().PerTask(writesBefore, total));
    }

    private static async Task<LatencyResult> SequentialAsync(TaskService tasks, TaskSpec spec, TimeSpan duration, WriteCounts writes)
    {
        var commitsBefore = writes.GroupCommits();
        var samples = new List<double>();
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var notCompleted = 0;
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var start = Stopwatch.GetTimestamp();
            var view = await RunOneAsync(tasks, spec);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (view?.Status != TaskStatus.Completed)
            {
                notCompleted++;
            }
        }

        return LatencyResult.Of(samples, notCompleted) with { GroupCommitsPerTask = (writes.GroupCommits() - commitsBefore) / (double)Math.Max(1, samples.Count) };
    }

    /// <summary>Submits at a fixed rate whatever the answers do, and measures each task from its scheduled submit time (no coordinated omission).</summary>
    private static async Task<LatencyResult> OpenLoopAsync(TaskService tasks, Func<long, TaskSpec> spec, double rate, TimeSpan duration)
    {
        var capacity = (int)(rate * duration.TotalSeconds) + 16;
        var latencies = new double[capacity];
        var notCompleted = 0;
        var inFlight = new List<Task>(capacity);
        var ticksPerTask = Stopwatch.Frequency / rate;
        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        while (sent < capacity - 16)
        {
            var due = Math.Min(capacity - 16, (long)((Stopwatch.GetTimestamp() - started) / ticksPerTask) + 1);
            for (; sent < due; sent++)
            {
                var index = sent;
                var scheduled = started + (long)(index * ticksPerTask);
                inFlight.Add(Task.Run(async () =>
                {
                    var view = await RunOneAsync(tasks, spec(index));
                    latencies[index] = Stopwatch.GetElapsedTime(scheduled).TotalMilliseconds;
                    if (view?.Status != TaskStatus.Completed)
                    {
                        Interlocked.Increment(ref notCompleted);
                    }
                }));
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(inFlight);
        return LatencyResult.Of(latencies.Take((int)sent).ToList(), notCompleted);
    }

    /// <summary>Wraps the engine's task, document and reminder stores so every durable write is counted.</summary>
    private static void CountWrites(IServiceCollection services, WriteCounts counts)
    {
        foreach (var (key, kind) in new[] { (TaskStorageNames.Tasks, WriteKind.TaskState), (TaskStorageNames.Documents, WriteKind.DocumentState) })
        {
            var inner = services.Last(d => d.ServiceType == typeof(IGrainStateStore) && d.IsKeyedService && Equals(d.ServiceKey, key));
            services.Remove(inner);
            services.AddKeyedSingleton<IGrainStateStore>(key, (sp, k) => new CountingStateStore((IGrainStateStore)inner.KeyedImplementationFactory!(sp, k), counts, kind));
        }

        var reminders = services.Last(d => d.ServiceType == typeof(IReminderStore) && !d.IsKeyedService);
        services.Remove(reminders);
        services.AddSingleton<IReminderStore>(sp => new CountingReminderStore((IReminderStore)reminders.ImplementationFactory!(sp), counts));
    }

    private sealed record ClosedLoopResult(double PerSecond, long Unexpected, string? FirstUnexpected, string Writes);

    private sealed record LatencyResult(double P50, double P99, int Count, int NotCompleted)
    {
        public double GroupCommitsPerTask { get; init; }

        public static LatencyResult Of(List<double> samples, int notCompleted)
        {
            if (samples.Count == 0)
            {
                return new LatencyResult(double.NaN, double.NaN, 0, notCompleted);
            }

            samples.Sort();
            return new LatencyResult(samples[samples.Count / 2], samples[Math.Min(samples.Count - 1, (int)(samples.Count * 0.99))], samples.Count, notCompleted);
        }
    }

    private enum WriteKind
    {
        TaskState,
        DocumentState,
        Reminder,
    }

    private sealed class WriteCounts
    {
        private readonly long[] _counts = new long[3];

        public Func<long> GroupCommits { get; set; } = () => 0;

        public void Add(WriteKind kind) => Interlocked.Increment(ref _counts[(int)kind]);

        /// <summary>The counts by kind, then the engine's group commits.</summary>
        public long[] Snapshot()
        {
            var copy = new long[_counts.Length + 1];
            for (var i = 0; i < _counts.Length; i++)
            {
                copy[i] = Interlocked.Read(ref _counts[i]);
            }

            copy[^1] = GroupCommits();
            return copy;
        }
    }

    private static string PerTask(this long[] after, long[] before, long tasks)
    {
        if (tasks == 0)
        {
            return "n/a";
        }

        double Of(WriteKind kind) => (after[(int)kind] - before[(int)kind]) / (double)tasks;
        var total = Of(WriteKind.TaskState) + Of(WriteKind.DocumentState) + Of(WriteKind.Reminder);
        var commits = (after[^1] - before[^1]) / (double)tasks;
        return string.Create(CultureInfo.InvariantCulture, $"{total:0.0} = task {Of(WriteKind.TaskState):0.0} + document {Of(WriteKind.DocumentState):0.0} + reminder {Of(WriteKind.Reminder):0.0}; {commits:0.00} group commits per task");
    }

    private sealed class CountingStateStore(IGrainStateStore inner, WriteCounts counts, WriteKind kind) : IGrainStateStore
    {
        public Task<GrainStateRecord?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

        public Task<long> WriteAsync(GrainStateKey key, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken = default)
        {
            counts.Add(kind);
            return inner.WriteAsync(key, payload, expectedVersion, cancellationToken);
        }

        public Task<long> ClearAsync(GrainStateKey key, long expectedVersion, CancellationToken cancellationToken = default)
        {
            counts.Add(kind);
            return inner.ClearAsync(key, expectedVersion, cancellationToken);
        }
    }

    private sealed class CountingReminderStore(IReminderStore inner, WriteCounts counts) : IReminderStore
    {
        public Task<long> UpsertAsync(GrainId grain, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken = default)
        {
            counts.Add(WriteKind.Reminder);
            return inner.UpsertAsync(grain, name, dueAt, period, cancellationToken);
        }

        public Task<ReminderEntry?> GetAsync(GrainId grain, string name, CancellationToken cancellationToken = default) => inner.GetAsync(grain, name, cancellationToken);

        public Task<IReadOnlyList<ReminderEntry>> GetForGrainAsync(GrainId grain, CancellationToken cancellationToken = default) => inner.GetForGrainAsync(grain, cancellationToken);

        public Task<IReadOnlyList<ReminderEntry>> GetDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken = default) => inner.GetDueAsync(dueBefore, limit, cancellationToken);

        public Task<long?> RescheduleAsync(GrainId grain, string name, long expectedVersion, DateTimeOffset dueAt, int attempt, CancellationToken cancellationToken = default)
        {
            counts.Add(WriteKind.Reminder);
            return inner.RescheduleAsync(grain, name, expectedVersion, dueAt, attempt, cancellationToken);
        }

        public Task<bool> RemoveAsync(GrainId grain, string name, long? expectedVersion, CancellationToken cancellationToken = default)
        {
            counts.Add(WriteKind.Reminder);
            return inner.RemoveAsync(grain, name, expectedVersion, cancellationToken);
        }
    }
}
