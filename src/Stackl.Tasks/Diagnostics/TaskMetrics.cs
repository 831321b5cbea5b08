using System.Diagnostics.Metrics;

namespace Stackl.Tasks.Diagnostics;

/// <summary>The task domain's instruments, on the host's meter factory so each silo's figures stay its own.</summary>
internal sealed class TaskMetrics
{
    // Seconds, from a sub-millisecond in-memory task to the longest allowed timeouts.
    private static readonly double[] s_secondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    private readonly Counter<long> _submitted;
    private readonly Counter<long> _finished;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _lockWait;
    private readonly Counter<long> _swept;

    public TaskMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(TaskTelemetry.SourceName);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = s_secondsBuckets };
        _submitted = meter.CreateCounter<long>("stackl.tasks.submitted", "{task}", "Tasks accepted and started, by topic.");
        _finished = meter.CreateCounter<long>("stackl.tasks.finished", "{task}", "Tasks that reached a final status, by status and topic.");
        _duration = meter.CreateHistogram("stackl.task.duration", "s", "Time from a task's creation to its final status, by status and topic.", tags: null, advice: seconds);
        _lockWait = meter.CreateHistogram("stackl.lock.wait", "s", "Time a task waited to be granted one document lock.", tags: null, advice: seconds);
        _swept = meter.CreateCounter<long>("stackl.tasks.swept", "{task}", "Unfinished tasks the deadline sweep woke: their silo had left the cluster, or their deadline had passed unnoticed.");
    }

    public void Submitted(string topic) => _submitted.Add(1, new KeyValuePair<string, object?>("topic", topic));

    public void Finished(TaskStatus status, string topic, TimeSpan duration)
    {
        var statusTag = new KeyValuePair<string, object?>("status", status.ToString());
        var topicTag = new KeyValuePair<string, object?>("topic", topic);
        _finished.Add(1, statusTag, topicTag);
        _duration.Record(Math.Max(0, duration.TotalSeconds), statusTag, topicTag);
    }

    public void LockWaited(TimeSpan wait) => _lockWait.Record(Math.Max(0, wait.TotalSeconds));

    public void Swept(int tasks) => _swept.Add(tasks);
}
