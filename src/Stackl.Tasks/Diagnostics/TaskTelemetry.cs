using System.Diagnostics;

namespace Stackl.Tasks.Diagnostics;

/// <summary>The names under which the task domain emits traces and metrics, for exporters to subscribe to.</summary>
/// <remarks>
/// Traces: <c>stackl.task.submit</c> (producer) in the submitting process; <c>stackl.task.run</c> with its children
/// <c>stackl.task.lock</c> (one per document, in key order), <c>stackl.task.execute</c> and <c>stackl.task.commit</c>;
/// <c>stackl.task.rollback</c> and <c>stackl.task.recover</c>. The submit's trace context is stored with the task, so a run,
/// rollback or recovery on another silo, or after a crash, joins the same trace.
/// </remarks>
public static class TaskTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/> name of the task domain.</summary>
    public const string SourceName = "Stackl.Tasks";

    /// <summary>Tag: the task id.</summary>
    public const string TaskIdTag = "stackl.task.id";

    /// <summary>Tag: the task's topic.</summary>
    public const string TopicTag = "stackl.task.topic";

    /// <summary>Tag: the task's subtype.</summary>
    public const string SubtypeTag = "stackl.task.subtype";

    /// <summary>Tag: the task's final status.</summary>
    public const string StatusTag = "stackl.task.status";

    /// <summary>Tag: a document key.</summary>
    public const string DocumentKeyTag = "stackl.document.key";

    /// <summary>Tag: how a task commits (<c>none</c>, <c>one-phase</c> or <c>two-phase</c>).</summary>
    public const string CommitModeTag = "stackl.commit.mode";

    internal static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Starts an activity as a child of the current one or, when there is none (detached executor work), of the task's submit.</summary>
    internal static Activity? StartTaskActivity(string name, string taskId, string? traceParent, ActivityKind kind = ActivityKind.Internal)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Activity.Current is null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);
        activity?.SetTag(TaskIdTag, taskId);
        return activity;
    }
}
