using System.Collections.Concurrent;
using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Tasks.Flows;

/// <summary>One step of a flow as its flow stores it: the durable point a resumed flow continues from.</summary>
public sealed class FlowStepState
{
    /// <summary>The step's name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Its status.</summary>
    public StepStatus Status { get; set; }

    /// <summary>Attempts started (a failed one is never repeated; one lost to a crash runs again under the same number).</summary>
    public int Attempt { get; set; }

    /// <summary>When its first attempt started.</summary>
    public DateTimeOffset? Started { get; set; }

    /// <summary>When it completed, was skipped or failed.</summary>
    public DateTimeOffset? Finished { get; set; }

    /// <summary>When the next attempt is due while it is retrying.</summary>
    public DateTimeOffset? NextAttempt { get; set; }

    /// <summary>What it provided.</summary>
    public JsonElement? Result { get; set; }

    /// <summary>Why its last attempt (or its revert) failed.</summary>
    public TaskError? Error { get; set; }

    /// <summary>The documents it staged (null deletes), replayed into the flow's staging when the flow resumes.</summary>
    public Dictionary<string, JsonElement?>? Writes { get; set; }

    /// <summary>Its place among the flow's completed steps (1 completed first).</summary>
    public int CompletedOrder { get; set; }

    /// <summary>Its place in the rollback once its revert ran (1 ran first).</summary>
    public int? RevertOrder { get; set; }

    /// <summary>Its timeline.</summary>
    public List<TaskLogLine> Logs { get; set; } = [];

    /// <summary>A copy the run can go on changing.</summary>
    public FlowStepState Copy() => new()
    {
        Name = Name,
        Status = Status,
        Attempt = Attempt,
        Started = Started,
        Finished = Finished,
        NextAttempt = NextAttempt,
        Result = Result,
        Error = Error,
        Writes = Writes is null ? null : new Dictionary<string, JsonElement?>(Writes, StringComparer.Ordinal),
        CompletedOrder = CompletedOrder,
        RevertOrder = RevertOrder,
        Logs = [.. Logs],
    };
}

/// <summary>A subflow that retries as a whole, as its flow stores it.</summary>
public sealed class FlowScopeState
{
    /// <summary>The subflow's run (1 for its first).</summary>
    public int Attempt { get; set; } = 1;

    /// <summary>When its next run is due, while it waits to run again.</summary>
    public DateTimeOffset? NextAttempt { get; set; }
}

/// <summary>What a flow's run starts from: its steps and subflows as stored (empty on its first run).</summary>
/// <param name="Steps">The stored steps by name.</param>
/// <param name="Scopes">The stored subflow runs by name.</param>
internal sealed record FlowStart(IReadOnlyDictionary<string, FlowStepState> Steps, IReadOnlyDictionary<string, FlowScopeState> Scopes)
{
    public static FlowStart Empty { get; } = new(new Dictionary<string, FlowStepState>(), new Dictionary<string, FlowScopeState>());
}

/// <summary>The live state of a running flow's steps, shared by its run and its grain so a reader sees a step start before it is stored.</summary>
internal sealed class FlowProgress
{
    private readonly ConcurrentDictionary<string, FlowStepState> _steps = new(StringComparer.Ordinal);

    public void Show(FlowStepState step) => _steps[step.Name] = step.Copy();

    public FlowStepState? Get(string name) => _steps.GetValueOrDefault(name);
}
