using System.Text.Json.Nodes;
using Stackl.Contracts;

namespace Stackl.Client.Tests;

/// <summary>The flow example of README.md, compiled here and run by <see cref="FlowBuilderTests"/>.</summary>
/// <remarks>The lines between each pair of README markers are one of the README's code blocks, word for word (a test checks it).</remarks>
internal static class ReadmeFlowSample
{
    // README:begin
    // samples/flows/environment.json in code: a network, three VMs side by side, the packages (retried), then DNS.
    public static Flow Environment(bool dnsFails)
    {
        FlowStep Vm(string step, string name) => Flow.Step(step, "demo/provision")
            .Input(new JsonObject { ["kind"] = "vm", ["name"] = name })
            .Requires("network")
            .Provides(step)
            .Revert("demo/deprovision");

        var dns = new JsonObject { ["kind"] = "dns", ["name"] = "env.example.org" };
        if (dnsFails)
        {
            dns["fail"] = true;
        }

        return Flow.Linear(
            Flow.Step("network", "demo/provision")
                .Input(new JsonObject { ["kind"] = "network", ["name"] = "net-1" })
                .Provides("network")
                .Revert("demo/deprovision"),
            Flow.Unordered(Vm("vm1", "vm-1"), Vm("vm2", "vm-2"), Vm("vm3", "vm-3")).MaxParallel(3),
            Flow.Step("install", "demo/provision")
                .Input(new JsonObject { ["kind"] = "packages", ["name"] = "web", ["failTimes"] = 1 })
                .Requires("vm1", "vm2", "vm3")
                .Retry(3, Backoff.Exponential, initial: TimeSpan.FromMilliseconds(200), max: TimeSpan.FromSeconds(5), jitter: 0.2)
                .Revert("demo/deprovision"),
            Flow.Step("dns", "demo/provision").Input(dns).Requires("vm1"));
    }
    // README:end

    public static async Task<TaskView> RunAsync(Uri server, bool dnsFails)
    {
        // README:begin
        using var client = new StacklClient(new StacklClientOptions { BaseAddress = server });

        // One flow/run task: each step is stored as it completes; a failure reverts the completed steps, newest first.
        TaskView flow = await client.RunFlowAsync(Environment(dnsFails), timeout: TimeSpan.FromMinutes(1));
        Console.WriteLine($"{flow.Id} {flow.Status} {flow.Error?.Message}");
        foreach (StepView step in flow.Steps!)
        {
            Console.WriteLine($"  {step.Name}: {step.Status}, attempt {step.Attempt}, revert order {step.RevertOrder}");
        }
        // README:end

        return flow;
    }
}
