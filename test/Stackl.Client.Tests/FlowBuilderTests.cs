using System.Text.Json;
using System.Text.Json.Nodes;
using Stackl.Contracts;

namespace Stackl.Client.Tests;

/// <summary>The SDK's flow builder: its JSON is the documented flow format, and what it builds runs on a real silo.</summary>
[Collection(InProcessSiloCollection.Name)]
public sealed class FlowBuilderTests(InProcessSilo silo)
{
    private static void AssertJson(string expected, Flow actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        Assert.True(JsonNode.DeepEquals(expectedNode, actual.ToJson()), $"expected {expectedNode!.ToJsonString()}\n  actual {actual}");
    }

    [Fact]
    public void Step_EveryOption_IsTheDocumentedStepObject()
    {
        var step = Flow.Step("install", "pkg/install@2")
            .Input(new JsonObject { ["name"] = "web", ["tags"] = new JsonArray("a", "b") })
            .Requires("vm1", "vm2")
            .Requires("vm2", "vm3")
            .Provides("packages")
            .Documents("env/web")
            .Timeout(TimeSpan.FromSeconds(5))
            .Retry(5, Backoff.Exponential, initial: TimeSpan.FromMilliseconds(200), max: TimeSpan.FromSeconds(30), jitter: 0.2, retryTimeouts: true)
            .Revert("pkg/uninstall")
            .When("tier", "prod");

        AssertJson("""
            {"step": "install", "handler": "pkg/install@2", "input": {"name": "web", "tags": ["a", "b"]},
             "requires": ["vm1", "vm2", "vm3"], "provides": "packages", "documents": ["env/web"], "timeout": "5s",
             "retry": {"attempts": 5, "backoff": "exponential", "initial": "200ms", "max": "30s", "jitter": 0.2, "timeouts": true},
             "revert": "pkg/uninstall", "when": {"provided": "tier", "equals": "prod"}}
            """, step);
    }

    [Fact]
    public void Retry_FixedAndNone_WriteOnlyWhatWasGiven()
    {
        AssertJson("""{"step": "a", "handler": "t/s", "retry": {"attempts": 3, "backoff": "fixed", "initial": "1s"}}""",
            Flow.Step("a", "t/s").Retry(3, Backoff.Fixed, initial: TimeSpan.FromSeconds(1)));
        AssertJson("""{"step": "a", "handler": "t/s", "retry": {"attempts": 2, "backoff": "none"}}""",
            Flow.Step("a", "t/s").Retry(2, Backoff.None));
    }

    [Fact]
    public void LinearAndUnordered_NestWithNamesConditionsAndMaxParallel()
    {
        var flow = Flow.Linear(
                Flow.Step("a", "t/s").Provides("a"),
                Flow.Unordered(Flow.Step("b", "t/s"), Flow.Step("c", "t/s")).MaxParallel(2).Named("bc").WhenNot("a", JsonValue.Create(false)))
            .Store("region", "eu-1")
            .Store("size", 3);

        AssertJson("""
            {"linear": [
              {"step": "a", "handler": "t/s", "provides": "a"},
              {"unordered": [{"step": "b", "handler": "t/s"}, {"step": "c", "handler": "t/s"}], "maxParallel": 2, "name": "bc",
               "when": {"provided": "a", "notEquals": false}}
             ], "store": {"region": "eu-1", "size": 3}}
            """, flow);
    }

    [Fact]
    public void Subflow_Retry_IsTheSubflowsRetryObject()
    {
        var flow = Flow.Linear(Flow.Step("x", "t/s"), Flow.Step("y", "t/s")).Named("pair").Retry(2, Backoff.Fixed, initial: TimeSpan.FromMilliseconds(50));

        AssertJson("""
            {"linear": [{"step": "x", "handler": "t/s"}, {"step": "y", "handler": "t/s"}], "name": "pair",
             "retry": {"attempts": 2, "backoff": "fixed", "initial": "50ms"}}
            """, flow);
    }

    [Fact]
    public void Graph_EdgesByName_AndNamedSubflows()
    {
        var flow = Flow.Graph(
                Flow.Step("fetch", "t/s").Provides("data"),
                Flow.Linear(Flow.Step("x", "t/s"), Flow.Step("y", "t/s")).Named("xy"),
                Flow.Step("report", "t/s").Requires("data"))
            .Edge("fetch", "xy")
            .Edge("xy", "report")
            .MaxParallel(4);

        AssertJson("""
            {"graph": [
              {"step": "fetch", "handler": "t/s", "provides": "data"},
              {"linear": [{"step": "x", "handler": "t/s"}, {"step": "y", "handler": "t/s"}], "name": "xy"},
              {"step": "report", "handler": "t/s", "requires": ["data"]}
             ], "edges": [["fetch", "xy"], ["xy", "report"]], "maxParallel": 4}
            """, flow);
    }

    [Fact]
    public void Builders_AreImmutable_EveryCallReturnsANewNode()
    {
        var step = Flow.Step("a", "t/s");
        var provided = step.Provides("a");
        var graph = Flow.Graph(step);
        var withEdge = graph.Edge("a", "a");
        var input = new JsonObject { ["n"] = 1 };
        var withInput = step.Input(input);
        input["n"] = 2;

        AssertJson("""{"step": "a", "handler": "t/s"}""", step);
        AssertJson("""{"step": "a", "handler": "t/s", "provides": "a"}""", provided);
        AssertJson("""{"graph": [{"step": "a", "handler": "t/s"}]}""", graph);
        AssertJson("""{"graph": [{"step": "a", "handler": "t/s"}], "edges": [["a", "a"]]}""", withEdge);
        AssertJson("""{"step": "a", "handler": "t/s", "input": {"n": 1}}""", withInput);
    }

    [Fact]
    public void ToPayload_IsTheJson_NullValuesIncluded()
    {
        var flow = Flow.Step("a", "t/s").When("owner", null).Store("owner", null);

        Assert.Equal("""{"step":"a","handler":"t/s","when":{"provided":"owner","equals":null},"store":{"owner":null}}""", flow.ToPayload().GetRawText());
        Assert.Equal(flow.ToString(), flow.ToPayload().GetRawText());
    }

    [Fact]
    public void Builder_RefusesWhatCanNeverBeValid()
    {
        Assert.Throws<ArgumentException>(() => Flow.Step("a", "no-slash"));
        Assert.Throws<ArgumentException>(() => Flow.Step(" ", "t/s"));
        Assert.Throws<ArgumentException>(() => Flow.Linear());
        Assert.Throws<ArgumentException>(() => Flow.Linear(Flow.Step("a", "t/s").Store("x", 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Flow.Unordered(Flow.Step("a", "t/s")).MaxParallel(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Flow.Step("a", "t/s").Retry(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Flow.Step("a", "t/s").Retry(3, jitter: 1.5));
    }

    [Fact]
    public void ReadmeEnvironment_IsTheSampleFile_AsATaskSpec()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(BuildOutput.RepositoryRoot, "samples", "flows", "environment.json")))!;

        var spec = ReadmeFlowSample.Environment(dnsFails: true).ToTaskSpec(TimeSpan.FromMinutes(1), "env-1");

        Assert.Equal(("flow", "run"), (spec.Topic, spec.Subtype));
        Assert.Equal((file["topic"]!.GetValue<string>(), file["subtype"]!.GetValue<string>()), (spec.Topic, spec.Subtype));
        Assert.Equal(TimeSpan.FromMinutes(1), spec.Timeout);
        Assert.Equal("env-1", spec.IdempotencyKey);
        Assert.True(JsonNode.DeepEquals(file["payload"], JsonNode.Parse(spec.Payload.GetRawText())), $"expected {file["payload"]!.ToJsonString()}\n  actual {spec.Payload.GetRawText()}");
    }

    [Fact]
    public async Task Environment_RunOnASilo_Completes_WithTheRetriedStepOnItsSecondAttempt()
    {
        var flow = await ReadmeFlowSample.RunAsync(silo.BaseAddress, dnsFails: false);

        Assert.True(flow.Status == TaskStatus.Completed, $"{flow.Status}: {flow.Error?.Message}");
        var steps = flow.Steps!;
        Assert.Equal(["network", "vm1", "vm2", "vm3", "install", "dns"], steps.Select(s => s.Name));
        Assert.All(steps, s => Assert.Equal(StepStatus.Completed, s.Status));
        Assert.All(steps, s => Assert.Null(s.RevertOrder));
        Assert.Equal(2, steps.Single(s => s.Name == "install").Attempt);
        Assert.Equal($"{flow.Id}/dns", steps[^1].Id);
        Assert.Equal(["network", "vm1", "vm2", "vm3"], flow.Result!.Value.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Environment_LastStepFails_FlowFails_AndTheCompletedStepsRevertNewestFirst()
    {
        var flow = await ReadmeFlowSample.RunAsync(silo.BaseAddress, dnsFails: true);

        Assert.Equal(TaskStatus.Failed, flow.Status);
        Assert.Equal(ErrorCodes.StepFailed, flow.Error!.Code);
        var steps = flow.Steps!.ToDictionary(s => s.Name);
        Assert.Equal(StepStatus.Failed, steps["dns"].Status);
        Assert.Null(steps["dns"].RevertOrder);

        // install completed last, the network first; the VMs ran side by side, so their order among themselves is theirs.
        var reverted = flow.Steps!.Where(s => s.Status == StepStatus.Reverted).OrderBy(s => s.RevertOrder).ToList();
        Assert.Equal([1, 2, 3, 4, 5], reverted.Select(s => s.RevertOrder!.Value));
        Assert.Equal("install", reverted[0].Name);
        Assert.Equal(["vm1", "vm2", "vm3"], reverted[1..4].Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Equal("network", reverted[4].Name);
        for (var i = 1; i < reverted.Count; i++)
        {
            Assert.True(reverted[i - 1].Finished >= reverted[i].Finished, $"{reverted[i - 1].Name} (revert {i}) completed at {reverted[i - 1].Finished:O}, before {reverted[i].Name} at {reverted[i].Finished:O}: reverts run newest first.");
        }

        Assert.Contains(reverted[0].Logs, l => l.Message.Contains("deleted packages web", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Graph_WithConditionAndStore_RunsOnASilo_SkippingTheBranchWhoseConditionIsFalse()
    {
        using var client = silo.CreateClient();
        var flow = Flow.Graph(
                Flow.Step("network", "demo/provision").Input(new JsonObject { ["kind"] = "network", ["name"] = "g-net" }).Provides("network"),
                Flow.Step("prod-dns", "demo/provision").Input(new JsonObject { ["kind"] = "dns", ["name"] = "prod" }).Requires("network").When("tier", "prod"),
                Flow.Step("test-dns", "demo/provision").Input(new JsonObject { ["kind"] = "dns", ["name"] = "test" }).Requires("network").When("tier", "test"),
                Flow.Step("report", "demo/provision").Input(new JsonObject { ["kind"] = "report", ["name"] = "r" }))
            .Edge("network", "report")
            .Store("tier", "test");

        var run = await client.RunFlowAsync(flow, timeout: TimeSpan.FromSeconds(30), idempotencyKey: Guid.NewGuid().ToString("N"));

        Assert.True(run.Status == TaskStatus.Completed, $"{run.Status}: {run.Error?.Message}");
        var status = run.Steps!.ToDictionary(s => s.Name, s => s.Status);
        Assert.Equal(StepStatus.Skipped, status["prod-dns"]);
        Assert.Equal(StepStatus.Completed, status["test-dns"]);
        Assert.Equal(["network"], run.Steps!.Single(s => s.Name == "report").After);
    }

    [Fact]
    public async Task InvalidFlow_IsRefusedByTheServer_WithTheStepNamed()
    {
        using var client = silo.CreateClient();

        var refused = await Assert.ThrowsAsync<StacklBadRequestException>(() => client.RunFlowAsync(Flow.Linear(Flow.Step("a", "demo/provision").Requires("nothing"))));

        Assert.Equal(ErrorCodes.InvalidFlow, refused.Code);
        Assert.Contains("'a' requires 'nothing'", refused.Detail, StringComparison.Ordinal);
    }
}
