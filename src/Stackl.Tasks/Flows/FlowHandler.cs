using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Tasks.Handlers;

namespace Stackl.Tasks.Flows;

/// <summary>A handler whose task continues from its stored progress after a crash, instead of rolling back.</summary>
internal interface IResumableTaskHandler;

/// <summary><c>flow/run</c>: runs a flow of steps as one task: every step durable, a failure reverts the completed steps newest first.</summary>
/// <remarks>
/// The flow locks every document its steps declare for its whole run, so its steps never wait for each other's locks and the flow
/// commits all their writes at its end (or drops them in its rollback). A crash resumes it from its last stored step.
/// </remarks>
internal sealed class FlowHandler(IServiceProvider services) : ITaskHandler, IResumableTaskHandler
{
    /// <summary>The flow's topic.</summary>
    public const string FlowTopic = FlowPayload.FlowTopic;

    // The registry lists this handler too, so it is resolved at first use rather than injected.
    private HandlerRegistry Handlers => services.GetRequiredService<HandlerRegistry>();

    /// <inheritdoc />
    public string Topic => FlowTopic;

    /// <inheritdoc />
    public string Subtype => "run";

    /// <inheritdoc />
    public IReadOnlyList<string> Validate(JsonElement payload) => FlowPlan.Parse(payload, Handlers).Documents;

    /// <inheritdoc />
    public Task<JsonElement?> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new FlowRun(FlowPlan.Parse(context.Payload, Handlers), context, Handlers).RunAsync();
    }
}
