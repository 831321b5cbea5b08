using System.Text.Json;

namespace Stackl.Contracts;

/// <summary>One step of a flow as clients see it: a child task of the flow, with its own id, status and timeline.</summary>
/// <param name="Id">The step's id: the flow's id, a slash, the step's name.</param>
/// <param name="Name">The step's name, unique in its flow.</param>
/// <param name="Handler">The handler it runs (<c>topic/subtype</c>, with <c>@version</c> when versioned).</param>
/// <param name="Path">Where it sits in the flow, e.g. <c>linear[1].unordered[0]</c> (the dashboard draws the tree from it).</param>
/// <param name="After">The steps it runs after (order, requirements and edges).</param>
/// <param name="Status">Its status.</param>
/// <param name="Attempt">The attempt number (0 before its first attempt).</param>
/// <param name="Started">When its first attempt started.</param>
/// <param name="Finished">When it completed, was skipped or failed.</param>
/// <param name="NextAttempt">When its next attempt is due, while it is <see cref="StepStatus.Retrying"/>.</param>
/// <param name="Result">What it provided.</param>
/// <param name="Error">Why its last attempt failed, or why its revert failed.</param>
/// <param name="RevertOrder">Its place in the rollback (1 ran first) once its revert ran.</param>
/// <param name="Logs">Its timeline: every attempt, retry, skip and revert, and the lines its handler wrote.</param>
public sealed record StepView(
    string Id,
    string Name,
    string Handler,
    string Path,
    IReadOnlyList<string> After,
    StepStatus Status,
    int Attempt,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    DateTimeOffset? NextAttempt,
    JsonElement? Result,
    TaskError? Error,
    int? RevertOrder,
    IReadOnlyList<TaskLogLine> Logs);
