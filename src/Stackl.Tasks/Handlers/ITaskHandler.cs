using System.Text.Json;

namespace Stackl.Tasks.Handlers;

/// <summary>Runs the tasks of one topic/subtype.</summary>
public interface ITaskHandler
{
    /// <summary>The topic, e.g. <c>document</c>.</summary>
    string Topic { get; }

    /// <summary>The subtype, e.g. <c>put</c>.</summary>
    string Subtype { get; }

    /// <summary>Checks the payload before the task is accepted and returns the document keys it locks.</summary>
    /// <remarks>Throw <see cref="TaskValidationException"/> with a message that names the field; nothing is stored then.</remarks>
    /// <param name="payload">The payload.</param>
    IReadOnlyList<string> Validate(JsonElement payload);

    /// <summary>Does the work: reads and stages documents through <paramref name="context"/>, returns the result.</summary>
    /// <remarks>Runs with the locks held and outside the task grain's turn. Throw <see cref="TaskFailedException"/> to fail with a code.</remarks>
    /// <param name="context">The locked documents, log, reverts, deadline and cancellation.</param>
    Task<JsonElement?> ExecuteAsync(TaskContext context);
}
