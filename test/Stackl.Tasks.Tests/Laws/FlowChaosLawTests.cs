using System.Globalization;
using Stackl.Contracts;
using Stackl.Testing;

namespace Stackl.Tasks.Tests.Laws;

/// <summary>
/// Many flows at once, steps failing at random (some retryably), and the silo killed and restarted three times while they run:
/// every flow ends all done (every step completed, its documents committed, nothing undone) or all undone (every step that
/// completed reverted, no document written). Subclassed once per engine.
/// </summary>
public abstract class FlowChaosLawTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    private const int Flows = 30;

    [Fact]
    public async Task ConcurrentFlows_RandomFailuresAndSiloKills_EveryFlowAllDoneOrAllUndone()
    {
        var random = new Random(1729);
        var ids = new List<string>();

        // Three rounds: submit a third of the flows, kill the silo once one of them waits in its step c (the others are wherever
        // they are: locking, in a step, waiting for a retry, committing, rolling back), then restart it; earlier rounds resume.
        for (var round = 1; round <= 3; round++)
        {
            for (var i = ids.Count; i < Flows * round / 3; i++)
            {
                ids.Add((await Tasks.SubmitAsync(Spec("flow", "run", FlowJson(i, random, $"round-{round}"), TimeSpan.FromSeconds(60)))).Id);
            }

            await Gates.WaitEnteredAsync($"round-{round}");
            await Host.KillAsync();
            Gates.Release($"round-{round}");
            await Host.RestartAsync();
        }

        var outcomes = new List<TaskView>();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var flow = await FinalAsync(id);
            outcomes.Add(flow);
            var steps = flow.Steps!;
            var document = await ValueAsync($"chaos/{i}");
            if (flow.Status == TaskStatus.Completed)
            {
                Assert.All(steps, s => Assert.True(s.Status == StepStatus.Completed, $"flow {i} completed, but its step {s.Name} is {s.Status}"));
                Assert.Equal($$"""{"flow":{{i}}}""", document);
                Assert.DoesNotContain(Journal.Entries, e => e.StartsWith($"undo f{i}-", StringComparison.Ordinal));
            }
            else
            {
                Assert.True(flow.Status is TaskStatus.Failed, $"flow {i} is {flow.Status}: {flow.Error}");
                Assert.Null(document);
                foreach (var step in steps)
                {
                    Assert.True(step.Status is not StepStatus.Completed, $"flow {i} rolled back, but its step {step.Name} is still Completed");
                    if (step.Status == StepStatus.Reverted)
                    {
                        Assert.Contains($"undo f{i}-{step.Name}", Journal.Entries);
                    }
                }
            }
        }

        // The chaos reached both outcomes, and kills hit running flows (which resumed rather than rolled back).
        Assert.Contains(outcomes, f => f.Status == TaskStatus.Completed);
        Assert.Contains(outcomes, f => f.Status == TaskStatus.Failed);
        Assert.Contains(outcomes, f => f.Status == TaskStatus.Completed && f.Attempt > 1);
        await NoLocksAsync();
    }

    // a → (b ‖ c) → d; each step may fail for good (1 in 8) or retryably once (1 in 4); c waits at the round's gate; d writes the flow's document.
    private static string FlowJson(int i, Random random, string gate)
    {
        string Step(string name, string extra = "")
        {
            var roll = random.Next(8);
            var failure = roll == 0 ? ", \"fail\": \"always\"" : roll <= 2 ? ", \"failTimes\": 1" : "";
            return $$$"""{"step": "{{{name}}}", "handler": "test/step", "input": {"name": "f{{{i}}}-{{{name}}}"{{{failure}}}{{{extra}}}}, "revert": "test/unstep", "retry": {"attempts": 3, "backoff": "fixed", "initial": "20ms"}}""";
        }

        var write = string.Create(CultureInfo.InvariantCulture, $$$""", "set": {"chaos/{{{i}}}": {"flow": {{{i}}}}}""");
        return $$$"""{"linear": [{{{Step("a")}}}, {"unordered": [{{{Step("b")}}}, {{{Step("c", $", \"gate\": \"{gate}\"")}}}]}, {{{Step("d", write)}}}]}""";
    }
}

public sealed class FlowChaosLawTestsOnSqlite() : FlowChaosLawTests(new SqliteUnderTest());

public sealed class FlowChaosLawTestsOnPostgres() : FlowChaosLawTests(new PostgresUnderTest());
