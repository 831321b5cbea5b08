using Microsoft.Extensions.DependencyInjection;
using Stackl.Contracts;
using Stackl.Tasks.Chains;
using Stackl.Tasks.Queries;
using Stackl.Tasks.Security;
using Stackl.Testing;

namespace Stackl.Tasks.Tests;

/// <summary>Chain rules on a real silo: follow-ups with their parent and the chain's correlation id, status filters, exactly once across a crash.</summary>
public abstract class ChainTests(IEngineUnderTest engine) : TaskTestBase(engine)
{
    private ChainService Chains => Host.Services.GetRequiredService<ChainService>();

    private static StacklPrincipal Caller => StacklPrincipal.Anonymous;

    [Fact]
    public async Task FinishedTask_StartsItsFollowUps_WhichCarryTheParentAndOneCorrelationId()
    {
        await Chains.PutAsync("then-sleep", new ChainRuleSpec(new ChainTrigger("demo", "echo"), Spec("demo", "sleep", """{"ms":1}""")), Caller);
        await Chains.PutAsync("then-fail", new ChainRuleSpec(new ChainTrigger("demo", "sleep"), Spec("demo", "fail", """{"message":"end of the chain"}""")), Caller);

        var first = await RunAsync(Spec("demo", "echo", """{"n":1}"""));
        var second = Assert.Single(await FollowUpsAsync("then-sleep", 1));
        var third = Assert.Single(await FollowUpsAsync("then-fail", 1));

        var parent = second.Payload.GetProperty("parent");
        Assert.Equal((first.Id, "Completed", first.Id), (parent.GetProperty("id").GetString(), parent.GetProperty("status").GetString(), parent.GetProperty("correlation").GetString()));
        Assert.Equal(1, parent.GetProperty("result").GetProperty("n").GetInt32());
        Assert.Equal(1, second.Payload.GetProperty("ms").GetInt32());
        var grandparent = third.Payload.GetProperty("parent");
        Assert.Equal((second.Id, first.Id), (grandparent.GetProperty("id").GetString(), grandparent.GetProperty("correlation").GetString()));
        AssertStatus(TaskStatus.Failed, await FinalAsync(third.Id));
    }

    [Fact]
    public async Task StatusFilter_ARuleOnFailedFiresOnlyForFailures()
    {
        await Chains.PutAsync("on-failure", new ChainRuleSpec(new ChainTrigger("demo", "fail", [TaskStatus.Failed]), Spec("demo", "echo", "{}")), Caller);
        await Chains.PutAsync("on-success", new ChainRuleSpec(new ChainTrigger("demo", "fail"), Spec("demo", "echo", "{}")), Caller);

        var failed = await RunAsync(Spec("demo", "fail", """{"message":"broken"}"""));

        var followUp = Assert.Single(await FollowUpsAsync("on-failure", 1));
        Assert.Equal((failed.Id, "Failed"), (followUp.Payload.GetProperty("parent").GetProperty("id").GetString(), followUp.Payload.GetProperty("parent").GetProperty("status").GetString()));
        Assert.Empty(await TaskIndex.ListAsync(new TaskQuery(Source: "chain/on-success")));
    }

    [Fact]
    public async Task SiloKilledAfterTheFollowUpStarted_BeforeTheParentWasFinal_TheRuleStillFiredOnce()
    {
        await Chains.PutAsync("once", new ChainRuleSpec(new ChainTrigger("document", "put"), Spec("demo", "echo", "{}")), Caller);

        var id = await SubmitAndKillAtAsync(FaultPoint.AfterChains, Spec("document", "put", """{"key":"chain/doc","value":{"v":1}}"""));
        await Host.RestartAsync();
        AssertStatus(TaskStatus.Completed, await FinalAsync(id));

        // The restarted task fired again on its way to final: the same follow-up, by its key.
        await Host.Services.GetRequiredService<ChainRules>().RefreshAsync();
        var followUp = Assert.Single(await FollowUpsAsync("once", 1));
        Assert.Equal(id, followUp.Payload.GetProperty("parent").GetProperty("id").GetString());
    }

    [Fact]
    public async Task FollowUpSubmitFails_AfterAOnePhaseCommit_TheTaskStillCompletes_AndFiresWhenDrivenAgain()
    {
        await Chains.PutAsync("after-put", new ChainRuleSpec(new ChainTrigger("document", "put"), Spec("demo", "echo", "{}")), Caller);
        Faults.Arm(FaultPoint.BeforeChains, _ => throw new TimeoutException("the follow-up's submit timed out"));

        var put = await RunAsync(Spec("document", "put", """{"key":"chain/committed","value":{"v":1}}"""));

        // The document committed alone (one phase) before the follow-up failed: the task must not roll back, it completes.
        AssertStatus(TaskStatus.Completed, put);
        Assert.Equal("""{"v":1}""", await ValueAsync("chain/committed"));
        var followUp = Assert.Single(await FollowUpsAsync("after-put", 1));
        Assert.Equal(put.Id, followUp.Payload.GetProperty("parent").GetProperty("id").GetString());
        await NoLocksAsync();
    }

    [Theory]
    [InlineData("""{"topic":"demo","subtype":"echo","idempotencyKey":"k"}""", null, "then.idempotencyKey must be left out")]
    [InlineData("""{"topic":"nope","subtype":"echo"}""", null, "then: No handler for topic 'nope'")]
    [InlineData("""{"topic":"demo","subtype":"echo"}""", TaskStatus.Running, "when.status lists Running")]
    public async Task InvalidRule_IsRefused_AndNothingIsStored(string then, TaskStatus? status, string message)
    {
        var thenSpec = System.Text.Json.JsonSerializer.Deserialize(then, ContractsJsonContext.Default.TaskSpec)!;
        var refused = await Assert.ThrowsAsync<TaskValidationException>(() => Chains.PutAsync("bad", new ChainRuleSpec(new ChainTrigger("demo", null, status is { } s ? [s] : null), thenSpec), Caller));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
        Assert.Empty(await Chains.ListAsync(Caller));
    }

    private Task<IReadOnlyList<TaskView>> FollowUpsAsync(string rule, int count) =>
        Eventually.ValueAsync($"rule {rule} started {count} follow-ups", () => TaskIndex.ListAsync(new TaskQuery(Source: $"chain/{rule}")), f => f.Count >= count, Wait);
}

public sealed class ChainTestsOnSqlite() : ChainTests(new SqliteUnderTest());

public sealed class ChainTestsOnPostgres() : ChainTests(new PostgresUnderTest());
