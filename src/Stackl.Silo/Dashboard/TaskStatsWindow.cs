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
    public TaskStatsView Snapshot(string silo)
    {
        var now = _timeProvider.GetUtcNow();
        var nowSecond = now.ToUnixTimeSeconds();
        var lastMinute = new Totals();
        var points = new List<TaskStatsPoint>(WindowSeconds / StepSeconds);
        lock (_lock)
        {
            for (var start = nowSecond - WindowSeconds + 1; start <= nowSecond; start += StepSeconds)
            {
                var step = new Totals();
                for (var second = start; second < start + StepSeconds && second <= nowSecond; second++)
                {
                    var slot = _slots[SlotIndex(second)];
                    if (slot.Second != second)
                    {
                        continue;
                    }

                    step.Add(slot);
                    if (second > nowSecond - 60)
                    {
                        lastMinute.Add(slot);
                    }
                }

                points.Add(step.ToPoint(DateTimeOffset.FromUnixTimeSeconds(start), StepSeconds));
            }
        }

        return new TaskStatsView(silo, now, WindowSeconds, StepSeconds, lastMinute.ToPoint(now.AddSeconds(-60), 60), points);
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

        public TaskStatsPoint ToPoint(DateTimeOffset start, int seconds)
        {
            var finished = _completed + _failed + _cancelled;
            return new TaskStatsPoint(
                start,
                _submitted,
                _completed,
                _failed,
                _cancelled,
                Math.Round(finished / (double)seconds, 3),
                Percentile(0.50),
                Percentile(0.99),
                _completed + _failed == 0 ? null : Math.Round(_failed / (double)(_completed + _failed), 4));
        }

        private double? Percentile(double quantile)
        {
            if (_completed == 0)
            {
                return null;
            }

            var rank = (long)Math.Ceiling(quantile * _completed);
            long seen = 0;
            for (var i = 0; i < BinCount; i++)
            {
                seen += _latency[i];
                if (seen >= rank)
                {
                    return Math.Round(BinUpperMs(i), 3);
                }
            }

            return Math.Round(BinUpperMs(BinCount - 1), 3);
        }
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
