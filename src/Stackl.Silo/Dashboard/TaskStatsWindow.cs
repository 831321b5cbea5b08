using System.Diagnostics.Metrics;
using Stackl.Tasks.Diagnostics;

namespace Stackl.Silo.Dashboard;

/// <summary>This silo's task throughput, latency and errors over the last ten minutes, in one-second slots, for the dashboard's overview.</summary>
/// <remarks>
/// It listens to the task domain's own instruments (<c>stackl.tasks.submitted</c>, <c>stackl.task.duration</c>) on this host's
/// meter factory, so it counts exactly what <c>/metrics</c> counts, and keeps latencies in geometric bins (each 20 % wider than the
/// last), so a percentile is exact to within one bin. It lives in memory: a restarted silo starts an empty window.
/// </remarks>
internal sealed class TaskStatsWindow : IDisposable
{
    /// <summary>How far back the window reaches.</summary>
    public const int WindowSeconds = 600;

    /// <summary>The width of one point of the series.</summary>
    public const int StepSeconds = 10;

    private const double FirstBinMs = 0.1;
    private const double BinGrowth = 1.2;
    private const int BinCount = 100;

    private readonly Slot[] _slots = new Slot[WindowSeconds];
    private readonly Lock _lock = new();
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _timeProvider;

    public TaskStatsWindow(IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot();
        }

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Meter.Name == TaskTelemetry.SourceName && instrument.Name is "stackl.tasks.submitted" or "stackl.task.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) => Record(slot => slot.Submitted++));
        _listener.SetMeasurementEventCallback<double>((_, seconds, tags, _) => RecordFinished(seconds, Status(tags)));
        _listener.Start();
    }

    /// <summary>The figures of the last minute and a series over the whole window, ending now.</summary>
    public TaskStatsView Snapshot(string silo) => Counts(silo, _timeProvider.GetUtcNow().ToUnixTimeSeconds()).ToView();

    /// <summary>The raw counts (latency as histogram bins, so silos' counts add up) of the window ending with the second <paramref name="untilSecond"/> (Unix time).</summary>
    public TaskStatsCounts Counts(string silo, long untilSecond)
    {
        var lastMinute = new Totals();
        var steps = new List<TaskStatsSpan>(WindowSeconds / StepSeconds);
        lock (_lock)
        {
            for (var start = untilSecond - WindowSeconds + 1; start <= untilSecond; start += StepSeconds)
            {
                var step = new Totals();
                for (var second = start; second < start + StepSeconds && second <= untilSecond; second++)
                {
                    var slot = _slots[SlotIndex(second)];
                    if (slot.Second != second)
                    {
                        continue;
                    }

                    step.Add(slot);
                    if (second > untilSecond - 60)
                    {
                        lastMinute.Add(slot);
                    }
                }

                steps.Add(step.ToSpan());
            }
        }

        return new TaskStatsCounts(silo, _timeProvider.GetUtcNow(), untilSecond, lastMinute.ToSpan(), steps);
    }

    /// <summary>The figures of counts: rates, percentiles and error rate per span.</summary>
    internal static TaskStatsView View(string silo, DateTimeOffset at, long untilSecond, TaskStatsSpan lastMinute, IReadOnlyList<TaskStatsSpan> steps)
    {
        var firstStart = untilSecond - WindowSeconds + 1;
        return new TaskStatsView(
            silo,
            at,
            WindowSeconds,
            StepSeconds,
            Point(lastMinute, DateTimeOffset.FromUnixTimeSeconds(untilSecond - 59), 60),
            [.. steps.Select((step, i) => Point(step, DateTimeOffset.FromUnixTimeSeconds(firstStart + (i * StepSeconds)), StepSeconds))]);
    }

    public void Dispose() => _listener.Dispose();

    private static int SlotIndex(long second) => (int)(second % WindowSeconds);

    private static string? Status(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "status")
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    private static int Bin(double ms)
    {
        if (ms <= FirstBinMs)
        {
            return 0;
        }

        var bin = (int)Math.Ceiling(Math.Log(ms / FirstBinMs, BinGrowth));
        return Math.Clamp(bin, 0, BinCount - 1);
    }

    private static double BinUpperMs(int bin) => FirstBinMs * Math.Pow(BinGrowth, bin);

    private void RecordFinished(double seconds, string? status) => Record(slot =>
    {
        switch (status)
        {
            case nameof(TaskStatus.Completed):
                slot.Completed++;
                slot.Latency[Bin(seconds * 1000)]++;
                break;
            case nameof(TaskStatus.Cancelled):
                slot.Cancelled++;
                break;
            default:
                slot.Failed++;
                break;
        }
    });

    private void Record(Action<Slot> change)
    {
        var second = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        lock (_lock)
        {
            var slot = _slots[SlotIndex(second)];
            if (slot.Second != second)
            {
                slot.Reset(second);
            }

            change(slot);
        }
    }

    private sealed class Slot
    {
        public long Second { get; private set; } = -1;

        public int Submitted { get; set; }

        public int Completed { get; set; }

        public int Failed { get; set; }

        public int Cancelled { get; set; }

        public int[] Latency { get; } = new int[BinCount];

        public void Reset(long second)
        {
            Second = second;
            Submitted = Completed = Failed = Cancelled = 0;
            Array.Clear(Latency);
        }
    }

    private static TaskStatsPoint Point(TaskStatsSpan span, DateTimeOffset start, int seconds)
    {
        var finished = span.Completed + span.Failed + span.Cancelled;
        return new TaskStatsPoint(
            start,
            span.Submitted,
            span.Completed,
            span.Failed,
            span.Cancelled,
            Math.Round(finished / (double)seconds, 3),
            Percentile(span, 0.50),
            Percentile(span, 0.99),
            span.Completed + span.Failed == 0 ? null : Math.Round(span.Failed / (double)(span.Completed + span.Failed), 4));
    }

    private static double? Percentile(TaskStatsSpan span, double quantile)
    {
        if (span.Completed == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(quantile * span.Completed);
        long seen = 0;
        for (var i = 0; i < span.Latency.Count; i++)
        {
            seen += span.Latency[i];
            if (seen >= rank)
            {
                return Math.Round(BinUpperMs(i), 3);
            }
        }

        return Math.Round(BinUpperMs(BinCount - 1), 3);
    }

    private sealed class Totals
    {
        private readonly long[] _latency = new long[BinCount];
        private long _submitted;
        private long _completed;
        private long _failed;
        private long _cancelled;

        public void Add(Slot slot)
        {
            _submitted += slot.Submitted;
            _completed += slot.Completed;
            _failed += slot.Failed;
            _cancelled += slot.Cancelled;
            for (var i = 0; i < BinCount; i++)
            {
                _latency[i] += slot.Latency[i];
            }
        }

        // An empty histogram is sent as no bins at all: most steps of a quiet silo are empty.
        public TaskStatsSpan ToSpan() => new(_submitted, _completed, _failed, _cancelled, _completed == 0 ? [] : [.. _latency]);
    }
}

/// <summary>One silo's recent task figures.</summary>
/// <param name="Silo">The silo that counted them (each silo counts the tasks it ran).</param>
/// <param name="At">When the snapshot was taken.</param>
/// <param name="WindowSeconds">How far back <paramref name="Series"/> reaches.</param>
/// <param name="StepSeconds">The width of one point of <paramref name="Series"/>.</param>
/// <param name="LastMinute">The figures of the last 60 seconds.</param>
/// <param name="Series">The figures per step, oldest first.</param>
public sealed record TaskStatsView(string Silo, DateTimeOffset At, int WindowSeconds, int StepSeconds, TaskStatsPoint LastMinute, IReadOnlyList<TaskStatsPoint> Series);

/// <summary>Task figures over one span of time.</summary>
/// <param name="Start">When the span starts.</param>
/// <param name="Submitted">Tasks submitted.</param>
/// <param name="Completed">Tasks that completed.</param>
/// <param name="Failed">Tasks that ended Failed, TimedOut or RollbackFailed.</param>
/// <param name="Cancelled">Tasks that were cancelled (not counted as errors).</param>
/// <param name="TasksPerSecond">Tasks that reached a final status, per second.</param>
/// <param name="P50Ms">The median duration of completed tasks, in milliseconds (null when none completed).</param>
/// <param name="P99Ms">The 99th percentile duration of completed tasks, in milliseconds.</param>
/// <param name="ErrorRate">Failed / (completed + failed), from 0 to 1 (null when none finished).</param>
public sealed record TaskStatsPoint(DateTimeOffset Start, long Submitted, long Completed, long Failed, long Cancelled, double TasksPerSecond, double? P50Ms, double? P99Ms, double? ErrorRate);

/// <summary>Raw task counts over one span of time; spans of several silos add up.</summary>
/// <param name="Submitted">Tasks submitted.</param>
/// <param name="Completed">Tasks that completed.</param>
/// <param name="Failed">Tasks that ended Failed, TimedOut or RollbackFailed.</param>
/// <param name="Cancelled">Tasks that were cancelled.</param>
/// <param name="Latency">Completed tasks per latency bin (each bin 20 % wider than the last, from 0.1 ms); empty when none completed.</param>
public sealed record TaskStatsSpan(long Submitted, long Completed, long Failed, long Cancelled, IReadOnlyList<long> Latency)
{
    /// <summary>Nothing counted.</summary>
    public static TaskStatsSpan Empty { get; } = new(0, 0, 0, 0, []);

    /// <summary>The sum of this span and <paramref name="other"/>.</summary>
    /// <param name="other">Another silo's span of the same time.</param>
    public TaskStatsSpan Add(TaskStatsSpan other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var bins = new long[Math.Max(Latency.Count, other.Latency.Count)];
        for (var i = 0; i < bins.Length; i++)
        {
            bins[i] = (i < Latency.Count ? Latency[i] : 0) + (i < other.Latency.Count ? other.Latency[i] : 0);
        }

        return new TaskStatsSpan(Submitted + other.Submitted, Completed + other.Completed, Failed + other.Failed, Cancelled + other.Cancelled, bins);
    }
}

/// <summary>One silo's raw task counts of a window, as one silo asks another for them.</summary>
/// <param name="Silo">The silo that counted them.</param>
/// <param name="At">When they were read.</param>
/// <param name="UntilSecond">The last second of the window (Unix time).</param>
/// <param name="LastMinute">The last 60 seconds.</param>
/// <param name="Steps">The window in steps of <see cref="TaskStatsWindow.StepSeconds"/>, oldest first.</param>
public sealed record TaskStatsCounts(string Silo, DateTimeOffset At, long UntilSecond, TaskStatsSpan LastMinute, IReadOnlyList<TaskStatsSpan> Steps)
{
    /// <summary>The figures these counts make.</summary>
    public TaskStatsView ToView() => TaskStatsWindow.View(Silo, At, UntilSecond, LastMinute, Steps);
}
