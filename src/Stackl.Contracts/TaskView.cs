using System.Text.Json;

namespace Stackl.Contracts;

/// <summary>A task as clients see it.</summary>
/// <param name="Id">The time-sortable id.</param>
/// <param name="Topic">The handler's topic.</param>
/// <param name="Subtype">The handler's subtype.</param>
/// <param name="Source">Who produced it.</param>
/// <param name="Payload">The payload.</param>
/// <param name="Documents">The documents it locks, in lock (key) order.</param>
/// <param name="Status">Its status.</param>
/// <param name="Result">The handler's result once completed.</param>
/// <param name="Error">Why it did not complete.</param>
/// <param name="Attempt">The attempt number (1 for the first run).</param>
/// <param name="Created">When it was accepted.</param>
/// <param name="Started">When it started running.</param>
/// <param name="Completed">When it reached a final status.</param>
/// <param name="Deadline">When it times out.</param>
/// <param name="Logs">Its log lines (while it runs, also the lines its handler wrote since its last write).</param>
/// <param name="Silo">The name of the silo that runs it, or ran it last (null for tasks stored before silos were recorded).</param>
/// <param name="CancelledBy">Who asked to cancel it (a principal's name, <c>anonymous</c> on an open silo), or null when no one did.</param>
/// <param name="CancelRequested">When the cancel that rolled it back was asked for.</param>
/// <param name="Steps">A flow's steps, in the order the flow declares them; null for a task that is not a flow.</param>
public sealed record TaskView(
    string Id,
    string Topic,
    string Subtype,
    string? Source,
    JsonElement Payload,
    IReadOnlyList<string> Documents,
    TaskStatus Status,
    JsonElement? Result,
    TaskError? Error,
    int Attempt,
    DateTimeOffset Created,
    DateTimeOffset? Started,
    DateTimeOffset? Completed,
    DateTimeOffset Deadline,
    IReadOnlyList<TaskLogLine> Logs,
    string? Silo = null,
    string? CancelledBy = null,
    DateTimeOffset? CancelRequested = null,
    IReadOnlyList<StepView>? Steps = null);
