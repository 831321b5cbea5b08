using Stackl.Contracts;

namespace Stackl.Client.Orleans;

public sealed partial class StacklClusterClient
{
    /// <inheritdoc />
    public Task<ChainRuleView> PutChainRuleAsync(string name, ChainRuleSpec rule, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(rule.When);
        ArgumentNullException.ThrowIfNull(rule.Then);
        return CallAsync(g => g.PutChainRuleAsync(name, rule), nameof(PutChainRuleAsync), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ChainRuleView> GetChainRuleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CallAsync(g => g.GetChainRuleAsync(name), nameof(GetChainRuleAsync), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChainRuleView>> ListChainRulesAsync(CancellationToken cancellationToken = default) =>
        await CallAsync(g => g.ListChainRulesAsync(), nameof(ListChainRulesAsync), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task DeleteChainRuleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CallAsync(async g =>
        {
            await g.DeleteChainRuleAsync(name).ConfigureAwait(false);
            return true;
        }, nameof(DeleteChainRuleAsync), cancellationToken);
    }
}
