using Stackl.Contracts;

namespace Stackl.Tasks.Chains;

/// <summary>One chain rule, by name, stored so every silo can load it.</summary>
public interface IChainRuleGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the rule.</summary>
    /// <param name="rule">The validated rule.</param>
    Task<ChainRuleView> PutAsync(ChainRuleSpec rule);

    /// <summary>The rule, or null.</summary>
    Task<ChainRuleView?> GetAsync();

    /// <summary>Deletes the rule; false when there was none.</summary>
    Task<bool> DeleteAsync();
}

/// <summary>A chain rule's durable state.</summary>
public sealed class ChainRuleState
{
    /// <summary>Which finished tasks fire it.</summary>
    public ChainTrigger? When { get; set; }

    /// <summary>The follow-up task.</summary>
    public TaskSpec? Then { get; set; }

    /// <summary>When it was written.</summary>
    public DateTimeOffset Created { get; set; }

    /// <summary>The rule as clients see it.</summary>
    /// <param name="name">Its name.</param>
    public ChainRuleView ToView(string name) => new(name, When!, Then!, Created);
}

[GrainType(GrainTypeName)]
internal sealed class ChainRuleGrain([PersistentState("chain")] IPersistentState<ChainRuleState> state, TimeProvider timeProvider) : StacklGrain, IChainRuleGrain
{
    public const string GrainTypeName = "chain";

    public async Task<ChainRuleView> PutAsync(ChainRuleSpec rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        state.State = new ChainRuleState { When = rule.When, Then = rule.Then, Created = timeProvider.GetUtcNow() };
        await WriteOrForgetAsync(state);
        return state.State.ToView(GrainKey);
    }

    public Task<ChainRuleView?> GetAsync()
    {
        DeactivateOnIdle();
        return Task.FromResult(state.RecordExists ? state.State.ToView(GrainKey) : null);
    }

    public async Task<bool> DeleteAsync()
    {
        DeactivateOnIdle();
        if (!state.RecordExists)
        {
            return false;
        }

        await state.ClearStateAsync();
        return true;
    }
}
