using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Testing;
using Stackl.Tasks.Diagnostics;

namespace Stackl.Tasks.Tests.Diagnostics;

/// <summary>The task domain's traces and metrics, as an OpenTelemetry exporter or a Prometheus scraper would receive them.</summary>
public sealed class TaskTelemetryTests : TaskTestBase, IDisposable
{
    private const string TestSourceName = "Stackl.Tasks.Tests.Telemetry";

    private static readonly ActivitySource s_testSource = new(TestSourceName);

    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TaskTelemetryTests()
        : base(new SqliteUnderTest())
    {
        // The listener sees every test's activities in this process: each test keeps only the trace it started.
        _listener = new ActivityListener
        {
            // By name: comparing with s_testSource here could run its initializer inside AddActivityListener, which then misses it.
            ShouldListenTo = source => source.Name is TaskTelemetry.SourceName or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task DocumentPut_EmitsSubmitRunLockExecuteAndCommit_InTheSubmittersTrace()
    {
        ActivityTraceId traceId;
        string taskId;
        using (var root = s_testSource.StartActivity("test"))
        {
            Assert.NotNull(root);
            traceId = root.TraceId;
            taskId = (await Tasks.SubmitAsync(Spec("document", "put", """{"key":"trace/a","value":1}"""))).Id;
        }

        AssertStatus(TaskStatus.Completed, await FinalAsync(taskId));
        await Eventually.TrueAsync($"the run activity of task {taskId} stops", () => Trace(traceId).Any(a => a.OperationName == "stackl.task.run"));
        var trace = Trace(traceId);

        var submit = Single(trace, "stackl.task.submit");
        var run = Single(trace, "stackl.task.run");
        var taskLock = Single(trace, "stackl.task.lock");
        var execute = Single(trace, "stackl.task.execute");
        var commit = Single(trace, "stackl.task.commit");
        Assert.Equal(ActivityKind.Producer, submit.Kind);
        Assert.Equal(taskId, submit.GetTagItem(TaskTelemetry.TaskIdTag));
        Assert.Equal("document", submit.GetTagItem(TaskTelemetry.TopicTag));
        Assert.Equal(submit.SpanId, run.ParentSpanId);
        Assert.Equal(taskId, run.GetTagItem(TaskTelemetry.TaskIdTag));
        Assert.All([taskLock, execute, commit], child => Assert.Equal(run.SpanId, child.ParentSpanId));
        Assert.Equal("trace/a", taskLock.GetTagItem(TaskTelemetry.DocumentKeyTag));
        Assert.Equal("one-phase", commit.GetTagItem(TaskTelemetry.CommitModeTag));
        Assert.True(taskLock.StartTimeUtc <= execute.StartTimeUtc && execute.StartTimeUtc <= commit.StartTimeUtc, "lock, execute and commit run in that order");
        Assert.Equal(ActivityStatusCode.Unset, run.Status);
    }

    [Fact]
    public async Task FailingTask_MarksItsRunAsAnError_AndRollsBackInTheSameTrace()
    {
        ActivityTraceId traceId;
        string taskId;
        using (var root = s_testSource.StartActivity("test"))
        {
            traceId = root!.TraceId;
            taskId = (await Tasks.SubmitAsync(Spec("demo", "fail", """{"message":"disk full"}"""))).Id;
        }

        AssertStatus(TaskStatus.Failed, await FinalAsync(taskId));
        await Eventually.TrueAsync(
            $"the run and rollback activities of task {taskId} stop",
            () => Trace(traceId).Any(a => a.OperationName == "stackl.task.run") && Trace(traceId).Any(a => a.OperationName == "stackl.task.rollback"));
        var run = Single(Trace(traceId), "stackl.task.run");

        Assert.Equal(ActivityStatusCode.Error, run.Status);
        Assert.Equal("disk full", run.StatusDescription);
    }

    [Fact]
    public async Task Metrics_CountFinalStatuses_AndMeasureDurationsLockWaitsAndCommits()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string Tags)>();
        var meterFactory = Host.Services.GetRequiredService<IMeterFactory>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            // Only this test's silo: other tests' silos publish the same instruments on their own factories.
            if (instrument.Meter.Scope == meterFactory)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, Describe(tags))));
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => measurements.Enqueue((instrument.Name, value, Describe(tags))));
        meters.Start();

        // The sleeper holds the lock on metrics/a while the put queues behind it.
        var sleeper = await Tasks.SubmitAsync(Spec("demo", "sleep", """{"ms":200}""", documents: ["metrics/a"]));
        await Eventually.ValueAsync("the sleeper holds metrics/a", async () => (await Tasks.GetDocumentAsync("metrics/a")).LockedBy, owner => owner == sleeper.Id);
        var put = await RunAsync(Spec("document", "put", """{"key":"metrics/a","value":2}"""));
        var failed = await RunAsync(Spec("demo", "fail", """{"message":"no"}"""));
        AssertStatus(TaskStatus.Completed, await FinalAsync(sleeper.Id));
        AssertStatus(TaskStatus.Completed, put);
        AssertStatus(TaskStatus.Failed, failed);

        Assert.Equal(3, measurements.Count(m => m.Instrument == "stackl.tasks.submitted"));
        Assert.Contains(measurements, m => m.Instrument == "stackl.tasks.finished" && m.Tags == "status=Completed,topic=document");
        Assert.Contains(measurements, m => m.Instrument == "stackl.tasks.finished" && m.Tags == "status=Failed,topic=demo");
        Assert.Equal(3, measurements.Count(m => m.Instrument == "stackl.task.duration"));
        var lockWaits = measurements.Where(m => m.Instrument == "stackl.lock.wait").Select(m => m.Value).ToList();
        Assert.Equal(2, lockWaits.Count);
        Assert.True(lockWaits.Max() > 0.01, $"the put queued behind the sleeper, so one lock wait is long; waits: {string.Join(", ", lockWaits)} s");
        Assert.Contains(measurements, m => m.Instrument == "stackl.storage.commit.duration" && m.Tags == "engine=sqlite" && m.Value > 0);
        Assert.Contains(measurements, m => m.Instrument == "stackl.storage.commit.writes" && m.Value >= 1);
    }

    private static string Describe(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={tag.Value}");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(',', parts);
    }

    private static Activity Single(IReadOnlyList<Activity> trace, string name)
    {
        var matches = trace.Where(a => a.OperationName == name).ToList();
        Assert.True(matches.Count == 1, $"expected one {name} activity in the trace, found {matches.Count}: {string.Join(", ", trace.Select(a => a.OperationName))}");
        return matches[0];
    }

    private List<Activity> Trace(ActivityTraceId traceId) => [.. _stopped.Where(a => a.TraceId == traceId)];
}
