using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Execution;

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

    /// <summary>The task's id.</summary>
    public string TaskId { get; }

    /// <summary>The task's payload.</summary>
    public JsonElement Payload => _submission.Payload;

    /// <summary>When the task times out.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>Cancelled on cancel, at the deadline, or when the silo stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services => _environment.Services;

    /// <summary>The keys the task holds locks on.</summary>
    public IReadOnlyCollection<string> Documents => _committed.Keys;

    internal IReadOnlyDictionary<string, JsonElement?> Staged => _staged;

    /// <summary>Reads a locked document as this task sees it: its own staged value, else the committed one (null when absent).</summary>
    /// <param name="key">A key the task locked.</param>
    public JsonElement? Read(string key) => _staged.TryGetValue(key, out var staged) ? staged : Committed(key).Value;

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

        _staged[key] = value?.Clone();
    }

    /// <summary>Adds a log line: watchers see it at once, the task stores it with its outcome.</summary>
    /// <param name="message">The line.</param>
    public void Log(string message)
    {
        if (_log.Add(new TaskLogLine(_timeProvider.GetUtcNow(), message)) is not var (line, position))
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
    public Task OnRevertAsync(string kind, JsonElement data) => _task.AddRevertAsync(new RevertRecord(kind, data.Clone()));

    /// <summary>Every line written, for the outcome the task stores (the task stores one outcome, so no line is stored twice).</summary>
    internal IReadOnlyList<TaskLogLine> TakeLog() => _log.Snapshot();

    private (long Version, JsonElement? Value) Committed(string key) =>
        _committed.TryGetValue(key, out var document)
            ? document
            : throw new TaskFailedException(ErrorCodes.InvalidDocumentKey, $"Document {key} is not locked by this task; declare it in the task's documents.");
}
