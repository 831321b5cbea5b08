using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Tasks;

namespace Stackl.Tasks.Handlers;

/// <summary>What a handler works with: the locked documents, staging, log lines, revert actions, the deadline and cancellation.</summary>
public sealed class TaskContext
{
    private readonly Dictionary<string, (long Version, JsonElement? Value)> _committed;
    private readonly Dictionary<string, JsonElement?> _staged = new(StringComparer.Ordinal);
    private readonly List<TaskLogLine> _log = [];
    private readonly ITaskGrain _task;
    private readonly TimeProvider _timeProvider;

    internal TaskContext(string taskId, JsonElement payload, DateTimeOffset deadline, Dictionary<string, (long, JsonElement?)> committed, ITaskGrain task, TimeProvider timeProvider, IServiceProvider services, CancellationToken cancellationToken)
    {
        TaskId = taskId;
        Payload = payload;
        Deadline = deadline;
        _committed = committed;
        _task = task;
        _timeProvider = timeProvider;
        Services = services;
        CancellationToken = cancellationToken;
    }

    /// <summary>The task's id.</summary>
    public string TaskId { get; }

    /// <summary>The task's payload.</summary>
    public JsonElement Payload { get; }

    /// <summary>When the task times out.</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>Cancelled on cancel, at the deadline, or when the silo stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The silo's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The keys the task holds locks on.</summary>
    public IReadOnlyCollection<string> Documents => _committed.Keys;

    internal IReadOnlyDictionary<string, JsonElement?> Staged => _staged;

    internal IReadOnlyList<TaskLogLine> LogLines => _log;

    /// <summary>Reads a locked document as this task sees it: its own staged value, else the committed one (null when absent).</summary>
    /// <param name="key">A key the task locked.</param>
    public JsonElement? Read(string key) => _staged.TryGetValue(key, out var staged) ? staged : Committed(key).Value;

    /// <summary>The committed version of a locked document (0 when it never existed).</summary>
    /// <param name="key">A key the task locked.</param>
    public long Version(string key) => Committed(key).Version;

    /// <summary>Stages a new value (null deletes); committed only if the whole task completes.</summary>
    /// <param name="key">A key the task locked.</param>
    /// <param name="value">The new value, or null to delete.</param>
    public void Stage(string key, JsonElement? value)
    {
        Committed(key);
        _staged[key] = value?.Clone();
    }

    /// <summary>Adds a log line to the task.</summary>
    /// <param name="message">The line.</param>
    public void Log(string message) => _log.Add(new TaskLogLine(_timeProvider.GetUtcNow(), message));

    /// <summary>Records, durably and before the side effect, how to undo it; rollback runs revert actions newest first.</summary>
    /// <param name="kind">The <see cref="ITaskRevertHandler.Kind"/> that undoes it.</param>
    /// <param name="data">What the revert handler needs.</param>
    public Task OnRevertAsync(string kind, JsonElement data) => _task.AddRevertAsync(new RevertRecord(kind, data.Clone()));

    private (long Version, JsonElement? Value) Committed(string key) =>
        _committed.TryGetValue(key, out var document)
            ? document
            : throw new TaskFailedException(ErrorCodes.InvalidDocumentKey, $"Document {key} is not locked by this task; declare it in the task's documents.");
}
