using System.Text.Json;
using System.Text.Json.Nodes;
using Stackl.Tasks.Execution;
using Stackl.Tasks.Handlers;

namespace Stackl.Tasks.Flows;

/// <summary>The revert of a completed flow step: its <c>revert</c> handler, run with the step's input and result when the flow rolls back.</summary>
internal static class FlowStepRevert
{
    /// <summary>The revert kind the rollback recognises.</summary>
    public const string Kind = "flow.step";

    /// <summary>The revert record stored with the step's completion: the revert handler gets <c>{handler, step, input, result}</c>.</summary>
    public static RevertRecord Create(FlowStepPlan step, JsonElement input, JsonElement? result)
    {
        var data = new JsonObject
        {
            ["handler"] = step.Revert,
            ["step"] = step.Handler,
            ["input"] = JsonNode.Parse(input.GetRawText()),
            ["result"] = result is { } value ? JsonNode.Parse(value.GetRawText()) : null,
        };
        return new RevertRecord(Kind, JsonSerializer.SerializeToElement(data, TasksJsonContext.Default.JsonNode), step.Name);
    }

    /// <summary>Runs any revert action: a flow step's revert handler, or the revert handler of its kind.</summary>
    /// <param name="revert">The action.</param>
    /// <param name="task">A context of the task (the step's context is made from it, with no documents).</param>
    /// <param name="log">Where the revert's lines go.</param>
    /// <param name="cancellationToken">Cancelled when the silo stops.</param>
    public static async Task RunAnyAsync(RevertRecord revert, TaskContext task, TaskLogBuffer log, CancellationToken cancellationToken)
    {
        if (revert.Kind == Kind)
        {
            await RunAsync(revert, task.ForStep(revert.Step ?? "revert", revert.Data, new HashSet<string>(StringComparer.Ordinal), log, cancellationToken));
            return;
        }

        var handler = task.Environment.Handlers.GetRevert(revert.Kind) ?? throw new InvalidOperationException($"no revert handler is registered for kind '{revert.Kind}'");
        await handler.RevertAsync(revert.Data, cancellationToken);
    }

    /// <summary>Runs the revert handler; its exception fails the rollback (RollbackFailed).</summary>
    private static async Task RunAsync(RevertRecord revert, TaskContext context)
    {
        var name = revert.Data.GetProperty("handler").GetString()!;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var handler = context.Environment.Handlers.Get(name[..slash], name[(slash + 1)..]);
        context.Log($"revert {name} started");
        await handler.ExecuteAsync(context);
        context.Log($"revert {name} done");
    }
}
