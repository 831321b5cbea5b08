using Stackl.Contracts;

namespace Stackl.Tasks.Chains;

/// <summary>Every chain rule, from storage.</summary>
public interface IChainIndex
{
    /// <summary>The rules, by name (at most <paramref name="limit"/>).</summary>
    /// <param name="limit">The most rules read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<ChainRuleView>> ListAsync(int limit, CancellationToken cancellationToken = default);
}
