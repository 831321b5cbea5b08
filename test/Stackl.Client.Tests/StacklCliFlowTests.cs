using System.Text.Json;
using Stackl.Cli;
using Stackl.Contracts;

namespace Stackl.Client.Tests;

/// <summary><c>stackl flow run</c> with JSON and YAML files, and the steps table of <c>get</c>.</summary>
[Collection(InProcessSiloCollection.Name)]
public sealed class StacklCliFlowTests(InProcessSilo silo) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("stackl-cli-flow-").FullName;

    private Task<CliResult> Stackl(params string[] args) => CliRunner.RunAsync(silo.BaseAddress, args);

    private string File(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static TaskView ParseTask(CliResult result) =>
        JsonSerializer.Deserialize(result.Out, ContractsJsonContext.Default.TaskView) ?? throw new InvalidOperationException($"No task in {result}");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task FlowRun_TheSampleFile_Exits1_AndShowsTheTreeWithRevertOrder()
    {
        var result = await Stackl("flow", "run", Path.Combine(BuildOutput.RepositoryRoot, "samples", "flows", "environment.json"));

        Assert.True(result.ExitCode == ExitCodes.TaskNotCompleted, result.ToString());
        Assert.Matches(@"(?m)^status\s+Failed$", result.Out);
        Assert.Matches(@"(?m)^STEP\s+STATUS\s+ATTEMPTS\s+REVERTED\s+HANDLER\s+TOOK\s+ERROR$", result.Out);
        Assert.Matches(@"(?m)^linear$", result.Out);
        Assert.Matches(@"(?m)^  network\s+Reverted\s+1\s+5\s+demo/provision\s", result.Out);
        Assert.Matches(@"(?m)^  unordered$", result.Out);
        Assert.Matches(@"(?m)^    vm2\s+Reverted\s+1\s+[234]\s+demo/provision\s", result.Out);
        Assert.Matches(@"(?m)^  install\s+Reverted\s+2\s+1\s+demo/provision\s", result.Out);
        Assert.Matches(@"(?m)^  dns\s+Failed\s+1\s+demo/provision\s.*handler_failed: creating dns env.example.org failed", result.Out);
    }

    [Fact]
    public async Task FlowRun_APayloadOnlyJsonFile_ImpliesFlowRun_AndExits0()
    {
        var path = File("flow.json", """
            {"linear": [
              {"step": "a", "handler": "demo/provision", "input": {"kind": "network", "name": "a"}, "provides": "a"},
              {"step": "b", "handler": "demo/provision", "input": {"kind": "vm", "name": "b"}, "requires": ["a"]}
            ]}
            """);

        var result = await Stackl("flow", "run", path, "--timeout", "20s", "--json");

        var flow = ParseTask(result);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(("flow", "run", TaskStatus.Completed, "cli"), (flow.Topic, flow.Subtype, flow.Status, flow.Source));
        Assert.Equal(TimeSpan.FromSeconds(20), flow.Deadline - flow.Created);
        Assert.Equal(["a", "b"], flow.Steps!.Select(s => s.Name));
        Assert.All(flow.Steps!, s => Assert.Equal(StepStatus.Completed, s.Status));
    }

    [Fact]
    public async Task FlowRun_AYamlTaskBody_IsConverted_TypedScalarsIncluded()
    {
        var path = File("flow.yaml", """
            topic: flow
            subtype: run
            timeout: 15s
            payload:
              store:
                tier: test
              unordered:
                - step: prod
                  handler: demo/provision
                  input: {kind: dns, name: prod}
                  when: {provided: tier, equals: prod}
                - step: flaky
                  handler: demo/provision
                  input:
                    kind: vm
                    name: "007"
                    failTimes: 1
                  retry: {attempts: 2, backoff: fixed, initial: 50ms, jitter: 0.5}
              maxParallel: 2
            """);

        var result = await Stackl("flow", "run", path, "--json");

        var flow = ParseTask(result);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(TimeSpan.FromSeconds(15), flow.Deadline - flow.Created);
        var steps = flow.Steps!.ToDictionary(s => s.Name);
        Assert.Equal(StepStatus.Skipped, steps["prod"].Status);
        Assert.Equal((StepStatus.Completed, 2), (steps["flaky"].Status, steps["flaky"].Attempt));
        Assert.Equal("007", steps["flaky"].Result!.Value.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Number, flow.Payload.GetProperty("unordered")[1].GetProperty("input").GetProperty("failTimes").ValueKind);
    }

    [Fact]
    public async Task Get_AFlow_ShowsItsSteps()
    {
        var run = ParseTask(await Stackl("flow", "run", File("one.json", """{"step": "only", "handler": "demo/provision", "input": {"kind": "vm", "name": "x"}}"""), "--json"));

        var result = await Stackl("get", run.Id);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Matches(@"(?m)^handler\s+flow/run$", result.Out);
        Assert.Matches(@"(?m)^only\s+Completed\s+1\s+demo/provision\s+\d+ ms$", result.Out);
    }

    [Fact]
    public async Task FlowRun_BadFiles_AreUsageErrors_Exit2()
    {
        var notAFlow = await Stackl("flow", "run", File("echo.json", """{"topic": "demo", "subtype": "echo", "payload": {}}"""));
        var unknownField = await Stackl("flow", "run", File("typo.json", """{"topic": "flow", "subtype": "run", "payload": {"step": "a", "handler": "demo/echo"}, "timout": "5s"}"""));
        var neither = await Stackl("flow", "run", File("neither.json", """{"steps": []}"""));
        var badYaml = await Stackl("flow", "run", File("bad.yml", "linear: [unclosed"));
        var missing = await Stackl("flow", "run", Path.Combine(_folder, "missing.json"));
        var invalidFlow = await Stackl("flow", "run", File("invalid.json", """{"step": "a", "handler": "demo/provision", "input": {"kind": "vm", "name": "x"}, "requires": ["nothing"]}"""));

        Assert.All([notAFlow, unknownField, neither, badYaml, missing, invalidFlow], r => Assert.True(r.ExitCode == ExitCodes.BadInput, r.ToString()));
        Assert.Contains("stackl submit demo echo", notAFlow.Err, StringComparison.Ordinal);
        Assert.Contains("'timout' is not a task field", unknownField.Err, StringComparison.Ordinal);
        Assert.Contains("invalid_flow", invalidFlow.Err, StringComparison.Ordinal);
    }
}
