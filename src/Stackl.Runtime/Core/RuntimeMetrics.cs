using System.Diagnostics.Metrics;

namespace Stackl.Runtime.Core;

/// <summary>The runtime's instruments, on the host's meter factory so each silo's figures stay its own.</summary>
internal sealed class RuntimeMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Stackl.Runtime";

    // Seconds: a timer fires within milliseconds; a silo that was down delivers reminders minutes late.
    private static readonly double[] s_lagBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

    private readonly Histogram<double> _reminderLag;

    public RuntimeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _reminderLag = meter.CreateHistogram(
            "stackl.reminder.lag",
            "s",
            "Time from a reminder tick's due time to its delivery (retries included).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_lagBuckets });
    }

    public void ReminderDelivering(TimeSpan lag) => _reminderLag.Record(Math.Max(0, lag.TotalSeconds));
}
