using Stackl.Contracts;

namespace Stackl.Client;

public sealed partial class StacklClient
{
    /// <inheritdoc />
    public Task<ChainRuleView> PutChainRuleAsync(string name, ChainRuleSpec rule, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(rule.When);
        ArgumentNullException.ThrowIfNull(rule.Then);
        var when = new ChainTriggerRequest(rule.When.Topic, rule.When.Subtype, rule.When.Status is { } statuses ? [.. statuses.Select(s => s.ToString())] : null);
        var body = new PutChainRuleRequest(when, TaskBody(rule.Then));
        return SendAsync(HttpMethod.Put, Url($"api/chains/{Escape(name)}"), Json(body, ClientJsonContext.Default.PutChainRuleRequest), ContractsJsonContext.Default.ChainRuleView, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ChainRuleView> GetChainRuleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendAsync(HttpMethod.Get, Url($"api/chains/{Escape(name)}"), content: null, ContractsJsonContext.Default.ChainRuleView, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChainRuleView>> ListChainRulesAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Url("api/chains"), content: null, ContractsJsonContext.Default.IReadOnlyListChainRuleView, cancellationToken);

    /// <inheritdoc />
    public async Task DeleteChainRuleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var request = new HttpRequestMessage(HttpMethod.Delete, Url($"api/chains/{Escape(name)}"));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }
}
