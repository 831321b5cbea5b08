using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Execution;
using Stackl.Tasks.Flows;

namespace Stackl.Tasks.Handlers;

/// <summary>What a handler works with: the locked documents, staging, log lines, revert actions, the deadline and cancellation.</summary>
public sealed class TaskContext
{
    private readonly Dictionary<string, (long Version, JsonElement? Value)> _committed;
    private readonly Dictionary<string, JsonElement?> _staged = new(StringComparer.Ordinal);
    private readonly TaskLogBuffer _log;
    private readonly TaskSubmission _submission;
    private readonly ITaskExecutionGrain _task;
    private readonly TaskEnvironment _environment;
    private readonly TimeProvider _timeProvider;

    // A step of a flow: its own input, the documents it declared, its own staging over the flow's (kept when the step completes).
    private readonly TaskContext? _flow;
    private readonly JsonElement? _stepInput;
    private readonly IReadOnlySet<string>? _stepDocuments;

    internal TaskContext(
        string taskId,
        TaskSubmission submission,
        DateTimeOffset deadline,
        Dictionary<string, (long, JsonElement?)> committed,
        ITaskExecutionGrain task,
        TaskEnvironment environment,
        TimeProvider timeProvider,
        TaskLogBuffer log,
        CancellationToken cancellationToken)
    {
        _log = log;
        TaskId = taskId;
        _submission = submission;
        Deadline = deadline;
        _committed = committed;
        _task = task;
        _environment = environment;
        _timeProvider = timeProvider;
        CancellationToken = cancellationToken;
    }

    private TaskContext(TaskContext flow, string stepId, string stepName, JsonElement input, IReadOnlySet<string> documents, TaskLogBuffer log, CancellationToken cancellationToken)
        : this(stepId, flow._submission, flow.Deadline, flow._committed, flow._task, flow._environment, flow._timeProvider, log, cancellationToken)
    {
        _flow = flow;
        _stepInput = input;
        _stepDocuments = documents;
        StepName = stepName;
    }

    /// <summary>The task's id.</summary>
    public string TaskId { get; }

    /// <summary>The task's payload.</summary>
    /// <remarks>For a step of a flow: the step's input (its constants and the values it requires).</remarks>
    public JsonElement Payload => _stepInput ?? _submission.Payload;

    /// <summary>When the task times out.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>Cancelled on cancel, at the deadline, or when the silo stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _environment.Services;

    /// <summary>The keys the task holds locks on.</summary>
    public IReadOnlyCollection<string> Documents => _stepDocuments ?? (IReadOnlyCollection<string>)_committed.Keys;

    /// <summary>The step's name when this is a step of a flow, else null.</summary>
    public string? StepName { get; }

    internal IReadOnlyDictionary<string, JsonElement?> Staged => _staged;

    /// <summary>What the flow stored of its steps and subflows when this run started (empty on its first run).</summary>
    internal FlowStart FlowStart { get; init; } = FlowStart.Empty;

    /// <summary>Where a flow's run shows its steps' live state to the task's readers.</summary>
    internal FlowProgress? Progress { get; init; }

    internal TaskEnvironment Environment => _environment;

    /// <summary>Reads a locked document as this task sees it: its own staged value, else the committed one (null when absent).</summary>
    /// <remarks>A step of a flow sees what the flow's completed steps staged.</remarks>
    /// <param name="key">A key the task locked.</param>
    public JsonElement? Read(string key)
    {
        var committed = Committed(key).Value;
        lock (_staged)
        {
            if (_staged.TryGetValue(key, out var staged))
            {
                return staged;
            }
        }

        return _flow is not null ? _flow.Read(key) : committed;
    }

    /// <summary>The committed version of a locked document (0 when it never existed).</summary>
    /// <param name="key">A key the task locked.</param>
    public long Version(string key) => Committed(key).Version;

    /// <summary>Stages a new value (null deletes); committed only if the whole task completes.</summary>
    /// <param name="key">A key the task locked.</param>
    /// <param name="value">The new value, or null to delete.</param>
    /// <exception cref="TaskFailedException">The value is nested deeper than <see cref="JsonLimits.MaxDepth"/>: a transaction's set at a deep path can build one from payloads within the limit, and it would fail every answer that shows it.</exception>
    public void Stage(string key, JsonElement? value)
    {
        Committed(key);
        if (value is { } staged && JsonLimits.Problem(staged) is { } problem)
        {
            throw new TaskFailedException(ErrorCodes.InvalidPayload, $"The new value of {key} {problem}");
        }

        lock (_staged)
        {
            _staged[key] = value?.Clone();
        }
    }

    /// <summary>Adds a log line: watchers see it at once, the task stores it with its outcome.</summary>
    /// <param name="message">The line.</param>
    public void Log(string message)
    {
        // A step's lines go to the step's timeline, which its flow stores and shows; events are the flow's own.
        if (_log.Add(new TaskLogLine(_timeProvider.GetUtcNow(), message)) is not var (line, position) || StepName is not null)
        {
            return;
        }

        _environment.Events.Publish(new TaskEvent(
            TaskId, TaskEvent.LogKind, TaskStatus.Running, _submission.Topic, _submission.Subtype, line.At, line.Message, Position: TaskEventPosition.Of(position, TaskStatus.Running).ToString()));
    }

    /// <summary>Records, durably and before the side effect, how to undo it; rollback runs revert actions newest first.</summary>
    /// <remarks>A revert may run more than once after a crash, so it must be idempotent.</remarks>
    /// <param name="kind">The <see cref="ITaskRevertHandler.Kind"/> that undoes it.</param>
    /// <param name="data">What the revert handler needs.</param>
    public Task OnRevertAsync(string kind, JsonElement data) => _task.AddRevertAsync(new RevertRecord(kind, data.Clone(), StepName));

    /// <summary>A context for one attempt of a flow's step: it sees the flow's documents as staged so far, and stages on its own.</summary>
    internal TaskContext ForStep(string stepName, JsonElement input, IReadOnlySet<string> documents, TaskLogBuffer log, CancellationToken cancellationToken) =>
        new(this, $"{TaskId}/{stepName}", stepName, input, documents, log, cancellationToken);

    /// <summary>Keeps a completed step's writes in the flow's staging (committed with the flow, or dropped by its rollback).</summary>
    internal void Apply(IReadOnlyDictionary<string, JsonElement?> writes)
    {
        lock (_staged)
        {
            foreach (var (key, value) in writes)
            {
                _staged[key] = value;
            }
        }
    }

    /// <summary>A snapshot of what this context staged.</summary>
    internal Dictionary<string, JsonElement?> StagedSnapshot()
    {
        lock (_staged)
        {
            return new Dictionary<string, JsonElement?>(_staged, StringComparer.Ordinal);
        }
    }

    /// <summary>Drops the flow's staging and stages the given writes, in order (a subflow that runs again takes its steps' writes back).</summary>
    internal void Restage(IEnumerable<IReadOnlyDictionary<string, JsonElement?>> writes)
    {
        lock (_staged)
        {
            _staged.Clear();
            foreach (var (key, value) in writes.SelectMany(w => w))
            {
                _staged[key] = value;
            }
        }
    }

    /// <summary>The revert actions the given steps registered, oldest first.</summary>
    internal Task<IReadOnlyList<RevertRecord>> StepRevertsAsync(IReadOnlyList<string> steps) => _task.GetStepRevertsAsync(steps);

    /// <summary>Stores that a subflow runs again, starting its steps over.</summary>
    internal Task RetryScopeAsync(string scope, FlowScopeState next, IReadOnlyList<string> steps) => _task.RetryScopeAsync(scope, next, steps);

    /// <summary>Stores a step's state (and the revert of a completed step) with the flow, durably.</summary>
    internal Task SaveStepAsync(FlowStepState step, RevertRecord? revert) => _task.SaveStepAsync(step, revert);

    /// <summary>Every line written, for the outcome the task stores (the task stores one outcome, so no line is stored twice).</summary>
    internal IReadOnlyList<TaskLogLine> TakeLog() => _log.Snapshot();

    private (long Version, JsonElement? Value) Committed(string key) =>
        _committed.TryGetValue(key, out var document) && (_stepDocuments is null || _stepDocuments.Contains(key))
            ? document
            : throw new TaskFailedException(ErrorCodes.InvalidDocumentKey, StepName is null
                ? $"Document {key} is not locked by this task; declare it in the task's documents."
                : $"Document {key} is not among the documents of step '{StepName}'; declare it in the step's documents.");
}
