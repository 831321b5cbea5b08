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

    /// <summary>Runs the revert handler; its exception fails the rollback (RollbackFailed).</summary>
    public static async Task RunAsync(RevertRecord revert, TaskContext context)
    {
        var name = revert.Data.GetProperty("handler").GetString()!;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var handler = context.Environment.Handlers.Get(name[..slash], name[(slash + 1)..]);
        context.Log($"revert {name} started");
        await handler.ExecuteAsync(context);
        context.Log($"revert {name} done");
    }
}
