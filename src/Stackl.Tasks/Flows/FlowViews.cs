using Stackl.Contracts;
using Stackl.Tasks.Execution;

namespace Stackl.Tasks.Flows;

/// <summary>A flow's steps as clients see them: the graph it started with, each step's stored or live state.</summary>
internal static class FlowViews
{
    public static IReadOnlyList<StepView> Build(string flowId, FlowPlan plan, TaskState flow, FlowProgress? progress)
    {
        // Steps that never started stay Pending while the flow runs; once it rolls back they will not run.
        var notStarted = flow.Status == TaskStatus.Running && !flow.Committing ? StepStatus.Pending : flow.Status == TaskStatus.Completed ? StepStatus.Skipped : StepStatus.Cancelled;
        var views = new List<StepView>(plan.Steps.Count);
        foreach (var step in plan.Steps)
        {
            var stored = flow.Steps?.GetValueOrDefault(step.Name);
            var live = progress?.Get(step.Name);

            // A stored revert is newer than what the run last showed; otherwise the live state is the newer one.
            var state = stored is { Status: StepStatus.Reverted or StepStatus.RevertFailed } || live is null ? stored : live;
            var status = state?.Status ?? notStarted;
            if (flow.Status.IsFinal() && status is StepStatus.Running or StepStatus.Retrying or StepStatus.Pending && flow.Status != TaskStatus.Completed)
            {
                status = StepStatus.Cancelled;
            }

            views.Add(new StepView(
                $"{flowId}/{step.Name}",
                step.Name,
                step.Handler,
                step.Path,
                [.. step.After.Select(i => plan.Steps[i].Name)],
                status,
                state?.Attempt ?? 0,
                state?.Started,
                state?.Finished,
                status == StepStatus.Retrying ? state?.NextAttempt : null,
                state?.Result,
                state?.Error,
                state?.RevertOrder,
                state?.Logs ?? []));
        }

        return views;
    }
}
