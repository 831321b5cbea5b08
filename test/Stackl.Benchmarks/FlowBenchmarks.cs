using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Storage;
using Stackl.Tasks;
using Stackl.Testing;

namespace Stackl.Benchmarks;

/// <summary>
/// Durable 3-step linear <c>flow/run</c> tasks through <see cref="TaskService"/>, in process, on one engine: flows that complete, and
/// flows whose last step fails so that the two completed steps are reverted, newest first.
/// </summary>
public static class FlowBenchmarks
{
    /// <summary>Flows in flight when the command line does not say (<c>--flows N</c>).</summary>
    public const int DefaultInFlight = 128;

    private static readonly string[] s_reverted = ["b", "a"];

    // Far above any flow's latency here: a flow that needs it is reported as not final, never silently dropped.
    private static readonly TimeSpan s_finalWait = TimeSpan.FromSeconds(30);

    /// <summary>Prints the flow figures of one engine; <paramref name="engine"/> names it in every line.</summary>
    /// <param name="engine">The engine's name, e.g. "SQLite".</param>
    /// <param name="storage">Picks the engine (<c>UseStacklSqlite</c> or <c>UseStacklPostgres</c>).</param>
    /// <param name="duration">The measuring time of each figure.</param>
    /// <param name="inFlight">Flows in flight: each of this many producers submits a flow, waits for its final status, and repeats.</param>
    public static async Task RunAsync(string engine, Action<ISiloBuilder> storage, TimeSpan duration, int inFlight)
    {
        var writes = new TaskBenchmarks.WriteCounts { SampleSizes = true };
        using var commits = new CommitListener();
        await using var host = await TestSilo.StartAsync(silo =>
        {
            storage(silo);
            silo.AddStackl();
            TaskBenchmarks.CountWrites(silo.Services, writes);
        });
        var tasks = host.Services.GetRequiredService<TaskService>();
        var engineCommits = host.Services.GetRequiredService<StorageEngine>();
        writes.GroupCommits = () => engineCommits.GroupCommits;
        var succeeding = Flow(failLast: false);
        var failing = Flow(failLast: true);

        // Not measured: tiered JIT needs several seconds of load before the hot paths run optimized code; both paths are warmed.
        var warmUp = TaskBenchmarks.WarmUp(duration);
        await ClosedLoopAsync(tasks, inFlight, succeeding, Completed, warmUp * 2 / 3, writes, commits);
        await ClosedLoopAsync(tasks, inFlight, failing, FailedAndReverted, warmUp / 3, writes, commits);

        var completed = await ClosedLoopAsync(tasks, inFlight, succeeding, Completed, duration, writes, commits);
        Print($"(l) 3-step linear flows completed/s, {inFlight} in flight, {engine}:", completed);

        var reverted = await ClosedLoopAsync(tasks, inFlight, failing, FailedAndReverted, duration, writes, commits);
        Print($"(m) 3-step flows whose last step fails, 2 steps reverted/s, {inFlight} in flight, {engine}:", reverted);
    }

    private static void Print(string label, FlowResult result)
    {
        var problems = result.Unexpected > 0 ? $"; {result.Unexpected} ended otherwise, e.g. {result.FirstUnexpected}" : "; all as expected";
        Console.WriteLine($"{label} {result.PerSecond,8:N0}  p50 {result.P50:0.0} ms, p99 {result.P99:0.0} ms  ({result.Count:N0} flows{problems})");
        Console.WriteLine($"    per flow: durable writes {result.Writes}; process CPU {result.CpuMs:0.00} ms; gen0/1/2 GCs in the run {result.Collections}");
        Console.WriteLine($"    storage: {result.Storage}");
    }

    /// <summary>a → b → c, each <c>demo/provision</c> reverted by <c>demo/deprovision</c>; c fails when <paramref name="failLast"/>.</summary>
    private static TaskSpec Flow(bool failLast)
    {
        var payload = $$"""
            {"linear": [
              {"step": "a", "handler": "demo/provision", "input": {"kind": "network", "name": "a"}, "revert": "demo/deprovision"},
              {"step": "b", "handler": "demo/provision", "input": {"kind": "vm", "name": "b"}, "revert": "demo/deprovision"},
              {"step": "c", "handler": "demo/provision", "input": {"kind": "dns", "name": "c"{{(failLast ? ", \"fail\": true" : "")}}}, "revert": "demo/deprovision"}
            ]}
            """;
        using var document = JsonDocument.Parse(payload);
        return new TaskSpec("flow", "run", document.RootElement.Clone(), Source: "bench");
    }

    private static string? Completed(TaskView view) =>
        view.Status != TaskStatus.Completed ? $"{view.Id} {view.Status} {view.Error?.Message}"
        : view.Steps is not { Count: 3 } steps || steps.Any(s => s.Status != StepStatus.Completed) ? $"{view.Id} Completed, but steps {Describe(view.Steps)}"
        : null;

    private static string? FailedAndReverted(TaskView view)
    {
        if (view.Status != TaskStatus.Failed || view.Error?.Code != ErrorCodes.StepFailed)
        {
            return $"{view.Id} {view.Status} {view.Error?.Code} {view.Error?.Message}";
        }

        var steps = view.Steps?.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var revertOrder = view.Steps?.Where(s => s.Status == StepStatus.Reverted).OrderBy(s => s.RevertOrder).Select(s => s.Name).ToList();
        return steps is { Count: 3 } && steps["c"].Status == StepStatus.Failed && revertOrder is not null && revertOrder.SequenceEqual(s_reverted)
            ? null
            : $"{view.Id} Failed, but steps {Describe(view.Steps)}";
    }

    private static string Describe(IReadOnlyList<StepView>? steps) =>
        steps is null ? "(none)" : string.Join(", ", steps.Select(s => $"{s.Name} {s.Status}{(s.RevertOrder is { } order ? $" (revert {order})" : "")}"));

    /// <summary>Each producer submits a flow, waits for its final status, checks it, and repeats until the time is up.</summary>
    private static async Task<FlowResult> ClosedLoopAsync(
        TaskService tasks, int producers, TaskSpec spec, Func<TaskView, string?> check, TimeSpan duration, TaskBenchmarks.WriteCounts writes, CommitListener commits)
    {
        long unexpected = 0;
        string? firstUnexpected = null;
        var latencies = new List<double>[producers];
        var writesBefore = writes.Snapshot();
        var sizesBefore = writes.Sizes();
        var commitsBefore = commits.Snapshot();
        var collectionsBefore = Collections();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            var own = latencies[p] = [];
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var start = Stopwatch.GetTimestamp();
                string? problem;
                try
                {
                    problem = check(await tasks.SubmitAsync(spec, s_finalWait));
                }
#pragma warning disable CA1031 // A flow the service refused is counted and reported with the others that did not end as expected.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    problem = $"{exception.GetType().Name}: {exception.Message}";
                }

                own.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (problem is not null)
                {
                    Interlocked.Increment(ref unexpected);
                    Interlocked.CompareExchange(ref firstUnexpected, problem, null);
                }
            }
        })));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (commitCount, commitSeconds, commitWrites) = commits.Snapshot();
        commitCount -= commitsBefore.Count;
        commitSeconds -= commitsBefore.Seconds;
        commitWrites -= commitsBefore.Writes;
        var sizes = writes.Sizes();
        var bytesPerWrite = (sizes.Bytes - sizesBefore.Bytes) / (double)Math.Max(1, sizes.Writes - sizesBefore.Writes);
        var storage = string.Create(
            CultureInfo.InvariantCulture,
            $"{commitCount / seconds:N0} commits/s of {commitWrites / (double)Math.Max(1, commitCount):0} writes, {commitSeconds * 1000 / Math.Max(1, commitCount):0.0} ms each (commits in progress {commitSeconds / seconds:P0} of the time); ~{bytesPerWrite:N0} bytes of state per task write");
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        var collections = Collections().Zip(collectionsBefore, (after, before) => after - before).ToArray();
        var all = latencies.SelectMany(l => l).ToList();
        all.Sort();
        var count = all.Count;
        return new FlowResult(
            count / seconds,
            count,
            count == 0 ? double.NaN : all[count / 2],
            count == 0 ? double.NaN : all[Math.Min(count - 1, (int)(count * 0.99))],
            unexpected,
            firstUnexpected,
            writes.Snapshot().PerTask(writesBefore, count, "flow"),
            cpu / Math.Max(1, count),
            string.Join('/', collections),
            storage);
    }

    private static int[] Collections() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    /// <summary>Sums the storage engine's group commits (<c>stackl.storage.commit.*</c>): how many, how long, how many writes.</summary>
    private sealed class CommitListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;
        private long _writes;
        private double _seconds;

        public CommitListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Stackl.Storage" && instrument.Name is "stackl.storage.commit.duration" or "stackl.storage.commit.writes")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
            {
                lock (_listener)
                {
                    _seconds += seconds;
                    _count++;
                }
            });
            _listener.SetMeasurementEventCallback<long>((_, writes, _, _) => Interlocked.Add(ref _writes, writes));
            _listener.Start();
        }

        public (long Count, double Seconds, long Writes) Snapshot()
        {
            lock (_listener)
            {
                return (_count, _seconds, Interlocked.Read(ref _writes));
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    private sealed record FlowResult(double PerSecond, int Count, double P50, double P99, long Unexpected, string? FirstUnexpected, string Writes, double CpuMs, string Collections, string Storage);
}
