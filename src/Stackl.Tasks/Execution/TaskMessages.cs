using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Tasks.Execution;

/// <summary>A validated task as the task grain receives it.</summary>
/// <param name="Topic">The handler's topic.</param>
/// <param name="Subtype">The handler's subtype.</param>
/// <param name="Source">The producer.</param>
/// <param name="Payload">The payload.</param>
/// <param name="Documents">The keys to lock, sorted ordinally (the lock order).</param>
/// <param name="Timeout">The time budget.</param>
/// <param name="TraceParent">The W3C trace context of the submit, so the task's run and recovery join the submitter's trace.</param>
public sealed record TaskSubmission(string Topic, string Subtype, string? Source, JsonElement Payload, IReadOnlyList<string> Documents, TimeSpan Timeout, string? TraceParent = null);

/// <summary>The task's two-phase-commit decision, as documents with an expired lock ask for it.</summary>
public enum TaskDecision
{
    /// <summary>No decision yet (or the task is gone): a document discards its staged value.</summary>
    Undecided,

    /// <summary>The decision record is written: every document must commit.</summary>
    Commit,

    /// <summary>The task is rolling back or rolled back.</summary>
    Abort,
}

/// <summary>A durable revert action, run by the <see cref="Handlers.ITaskRevertHandler"/> of its kind on rollback.</summary>
/// <param name="Kind">Which revert handler runs it.</param>
/// <param name="Data">What it needs.</param>
/// <param name="Step">The flow step that registered it (null for a task that is not a flow).</param>
public sealed record RevertRecord(string Kind, JsonElement Data, string? Step = null);

/// <summary>What a handler produced: its result and the log lines it wrote.</summary>
/// <param name="Result">The result, or null.</param>
/// <param name="Logs">The log lines not yet stored.</param>
public sealed record TaskOutcome(JsonElement? Result, IReadOnlyList<TaskLogLine> Logs)
{
    /// <summary>No result and no log lines.</summary>
    public static TaskOutcome Empty { get; } = new(null, []);
}

/// <summary>A task's durable state.</summary>
public sealed class TaskState
{
    /// <summary>The most log lines a task keeps; later lines are dropped with a note.</summary>
    public const int MaxLogLines = 1000;

    /// <summary>The submission.</summary>
    public TaskSubmission? Submission { get; set; }

    /// <summary>The status.</summary>
    public TaskStatus Status { get; set; }

    /// <summary>The final status a rollback ends in.</summary>
    public TaskStatus RollbackTarget { get; set; }

    /// <summary>True once the decision record is written (the commit point).</summary>
    public bool Committing { get; set; }

    /// <summary>The handler's result.</summary>
    public JsonElement? Result { get; set; }

    /// <summary>Why it did not complete.</summary>
    public TaskError? Error { get; set; }

    /// <summary>The attempt number.</summary>
    public int Attempt { get; set; }

    /// <summary>When it was accepted.</summary>
    public DateTimeOffset Created { get; set; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? Started { get; set; }

    /// <summary>When it became final.</summary>
    public DateTimeOffset? Completed { get; set; }

    /// <summary>When it times out.</summary>
    public DateTimeOffset Deadline { get; set; }

    /// <summary>Its log lines.</summary>
    public List<TaskLogLine> Logs { get; set; } = [];

    /// <summary>The commit decision this state stands for.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TaskDecision Decision =>
        Committing || Status == TaskStatus.Completed ? TaskDecision.Commit
        : Status == TaskStatus.RollingBack || Status.IsFinal() ? TaskDecision.Abort
        : TaskDecision.Undecided;

    /// <summary>The name of the silo that runs the task (or ran it last); null in states stored before it was recorded.</summary>
    public string? Silo { get; set; }

    /// <summary>The address of the silo incarnation that runs the task (Orleans' parsable silo address); the deadline sweep wakes a task whose silo has left the cluster.</summary>
    public string? SiloAddress { get; set; }

    /// <summary>Who asked to cancel the task (recorded when the cancel started its rollback).</summary>
    public string? CancelledBy { get; set; }

    /// <summary>When that cancel was asked for.</summary>
    public DateTimeOffset? CancelRequested { get; set; }

    /// <summary>Revert actions in the order they were registered.</summary>
    public List<RevertRecord> Reverts { get; set; } = [];

    /// <summary>How many revert actions the rollback has run, newest first: a rollback resumed after a crash runs the rest.</summary>
    public int RevertsDone { get; set; }

    /// <summary>A flow's steps by name, as last stored (null for a task that is not a flow, and before its first step is stored).</summary>
    public Dictionary<string, Flows.FlowStepState>? Steps { get; set; }

    /// <summary>A flow's subflows that retry as a whole, by name, once one has run again.</summary>
    public Dictionary<string, Flows.FlowScopeState>? Scopes { get; set; }

    /// <summary>Appends log lines up to <see cref="MaxLogLines"/>.</summary>
    /// <param name="lines">The lines.</param>
    public void AddLogs(IReadOnlyList<TaskLogLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var line in lines)
        {
            if (Logs.Count >= MaxLogLines)
            {
                break;
            }

            Logs.Add(Logs.Count == MaxLogLines - 1 ? line with { Message = $"(log truncated at {MaxLogLines} lines)" } : line);
        }
    }

    /// <summary>The task as clients see it.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="includeLogs">False for listings, which carry no log lines.</param>
    /// <param name="unstoredLogs">Lines its running handler wrote that are not stored yet.</param>
    /// <param name="steps">A flow's steps.</param>
    public TaskView ToView(string id, bool includeLogs = true, IEnumerable<TaskLogLine>? unstoredLogs = null, IReadOnlyList<StepView>? steps = null)
    {
        var submission = Submission ?? throw new InvalidOperationException($"Task {id} has no submission.");
        return new TaskView(
            id,
            submission.Topic,
            submission.Subtype,
            submission.Source,
            submission.Payload,
            submission.Documents,
            Status,
            Status == TaskStatus.Completed ? Result : null,
            Error,
            Attempt,
            Created,
            Started,
            Completed,
            Deadline,
            includeLogs ? [.. Logs, .. unstoredLogs ?? []] : [],
            Silo,
            CancelledBy,
            CancelRequested,
            steps);
    }
}
