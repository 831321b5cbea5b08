using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Stackl.Contracts;
using Stackl.Storage;
using Stackl.Tasks;
using Stackl.Testing;

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
    /// <param name="storage">Picks the engine (<c>UseStacklSqlite</c> or <c>UseStacklPostgres</c>).</param>
    /// <param name="duration">The measuring time of each figure.</param>
    public static async Task RunAsync(string engine, Action<ISiloBuilder> storage, TimeSpan duration)
    {
        var writes = new WriteCounts();
        var reminderTable = "";
        await using var host = await TestSilo.StartAsync(silo =>
        {
            storage(silo);
            silo.AddStackl();
            reminderTable = CountWrites(silo.Services, writes);
        });
        var tasks = host.Services.GetRequiredService<TaskService>();
        var engineCommits = host.Services.GetRequiredService<StorageEngine>();
        writes.GroupCommits = () => engineCommits.GroupCommits;
        var reminderType = host.Services.GetService<IReminderTable>() is CountingReminderTable counted ? $", {counted.InnerType.Name}" : "";
        Console.WriteLine($"    {engine}: durable writes counted at the keyed IGrainStorage \"{StorageSiloBuilderExtensions.DefaultStorageName}\", \"{TaskStorageNames.Tasks}\", \"{TaskStorageNames.Documents}\" (Write/ClearStateAsync) and {reminderTable}{reminderType}; group commits are the StorageEngine's");
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

    /// <summary>The warm-up before an engine's figures: 15 s, as tiered JIT needs well over 5 s of load before the hot paths run optimized code.</summary>
    public static TimeSpan WarmUp(TimeSpan duration) => TimeSpan.FromSeconds(15);

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

    private static Task<TaskView> RunOneAsync(TaskService tasks, TaskSpec spec) => tasks.SubmitAsync(spec, s_finalWait);

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

    /// <summary>Wraps the silo's grain storages and its reminder table so every durable write is counted; returns what it did about reminders.</summary>
    internal static string CountWrites(IServiceCollection services, WriteCounts counts)
    {
        foreach (var (name, kind) in new[] { (StorageSiloBuilderExtensions.DefaultStorageName, WriteKind.OtherState), (TaskStorageNames.Tasks, WriteKind.TaskState), (TaskStorageNames.Documents, WriteKind.DocumentState) })
        {
            var inner = services.Last(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name));
            var create = inner.KeyedImplementationFactory ?? throw new InvalidOperationException($"The grain storage \"{name}\" is not registered by a factory; the benchmark cannot count its writes.");
            services.Remove(inner);
            services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new CountingGrainStorage((IGrainStorage)create(sp, key), counts, kind));
        }

        var reminders = services.LastOrDefault(d => d.ServiceType == typeof(IReminderTable) && !d.IsKeyedService);
        if (reminders is null)
        {
            return "reminders NOT counted: no IReminderTable service is registered (Orleans' in-memory reminder service)";
        }

        if (reminders.Lifetime != ServiceLifetime.Singleton)
        {
            return $"reminders NOT counted: the IReminderTable is registered as {reminders.Lifetime}, not a singleton";
        }

        Func<IServiceProvider, IReminderTable> createTable = reminders switch
        {
            { ImplementationInstance: IReminderTable instance } => _ => instance,
            { ImplementationFactory: { } factory } => sp => (IReminderTable)factory(sp),
            { ImplementationType: { } type } => sp => (IReminderTable)ActivatorUtilities.CreateInstance(sp, type),
            _ => throw new InvalidOperationException("The IReminderTable registration has no instance, factory or type."),
        };
        services.Remove(reminders);
        services.AddSingleton<IReminderTable>(sp => new CountingReminderTable(createTable(sp), counts));
        return "the singleton IReminderTable (UpsertRow/RemoveRow)";
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

    internal enum WriteKind
    {
        TaskState,
        DocumentState,
        Reminder,
        OtherState,
    }

    internal sealed class WriteCounts
    {
        private readonly long[] _counts = new long[4];

        private long _written;
        private long _sampled;
        private long _sampledBytes;

        public Func<long> GroupCommits { get; set; } = () => 0;

        /// <summary>Every 32nd state write is serialized once more to measure its size (off by default: it costs CPU).</summary>
        public bool SampleSizes { get; init; }

        public void Add(WriteKind kind) => Interlocked.Increment(ref _counts[(int)kind]);

        /// <summary>Measures the state about to be written when this write is a sampled one.</summary>
        public void Sample<T>(T state)
        {
            if (SampleSizes && Interlocked.Increment(ref _written) % 32 == 0)
            {
                Interlocked.Add(ref _sampledBytes, JsonSerializer.SerializeToUtf8Bytes(state, GrainJson.Options).Length);
                Interlocked.Increment(ref _sampled);
            }
        }

        /// <summary>The sampled writes and their bytes so far.</summary>
        public (long Writes, long Bytes) Sizes() => (Interlocked.Read(ref _sampled), Interlocked.Read(ref _sampledBytes));

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

    internal static string PerTask(this long[] after, long[] before, long tasks, string unit = "task")
    {
        if (tasks == 0)
        {
            return "n/a";
        }

        double Of(WriteKind kind) => (after[(int)kind] - before[(int)kind]) / (double)tasks;
        var total = Of(WriteKind.TaskState) + Of(WriteKind.DocumentState) + Of(WriteKind.Reminder) + Of(WriteKind.OtherState);
        var commits = (after[^1] - before[^1]) / (double)tasks;
        return string.Create(CultureInfo.InvariantCulture, $"{total:0.0} = task {Of(WriteKind.TaskState):0.0} + document {Of(WriteKind.DocumentState):0.0} + reminder {Of(WriteKind.Reminder):0.0} + other state {Of(WriteKind.OtherState):0.0}; {commits:0.00} group commits per {unit}");
    }

    /// <summary>Counts the writes and clears that reach a grain storage.</summary>
    private sealed class CountingGrainStorage(IGrainStorage inner, WriteCounts counts, WriteKind kind) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
            inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            counts.Add(kind);
            counts.Sample(grainState.State);
            return inner.WriteStateAsync(stateName, grainId, grainState);
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
        {
            counts.Add(kind);
            counts.Sample(grainState.State);
            return inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            counts.Add(kind);
            return inner.ClearStateAsync(stateName, grainId, grainState);
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
        {
            counts.Add(kind);
            return inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken);
        }
    }

    /// <summary>Counts the upserts and removals that reach the reminder table.</summary>
    private sealed class CountingReminderTable(IReminderTable inner, WriteCounts counts) : IReminderTable
    {
        public Type InnerType => inner.GetType();

        // Init is obsolete in favour of StartAsync, which is what the reminder service calls; forward both to StartAsync.
        public Task Init() => inner.StartAsync(CancellationToken.None);

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken = default) => inner.StopAsync(cancellationToken);

        public Task<ReminderTableData> ReadRows(GrainId grainId) => inner.ReadRows(grainId);

        public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) => inner.ReadRows(grainId, cancellationToken);

        public Task<ReminderTableData> ReadRows(uint begin, uint end) => inner.ReadRows(begin, end);

        public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) => inner.ReadRows(begin, end, cancellationToken);

        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => inner.ReadRow(grainId, reminderName);

        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken) => inner.ReadRow(grainId, reminderName, cancellationToken);

        public Task<string?> UpsertRow(ReminderEntry entry)
        {
            counts.Add(WriteKind.Reminder);
            return inner.UpsertRow(entry);
        }

        public Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
        {
            counts.Add(WriteKind.Reminder);
            return inner.UpsertRow(entry, cancellationToken);
        }

        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
        {
            counts.Add(WriteKind.Reminder);
            return inner.RemoveRow(grainId, reminderName, eTag);
        }

        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
        {
            counts.Add(WriteKind.Reminder);
            return inner.RemoveRow(grainId, reminderName, eTag, cancellationToken);
        }

        public Task TestOnlyClearTable() => inner.TestOnlyClearTable();

        public Task TestOnlyClearTable(CancellationToken cancellationToken) => inner.TestOnlyClearTable(cancellationToken);
    }
}
