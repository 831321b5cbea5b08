using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks.Execution;
using Stackl.Tasks.Security;

namespace Stackl.Tasks.Chains;

/// <summary>The front door of chain rules: validates, writes, reads, lists and deletes them.</summary>
/// <remarks>Reading rules needs the grant to see every task; writing or deleting one also needs the grant to submit its follow-up.</remarks>
public sealed class ChainService(IGrainFactory grains, TaskService tasks, ChainRules rules, IChainIndex index)
{
    /// <summary>Creates or replaces a rule; every silo fires it within <see cref="ChainOptions.RefreshInterval"/>, this one at once.</summary>
    /// <exception cref="TaskValidationException">The name, trigger or follow-up is invalid; nothing was stored.</exception>
    /// <exception cref="AccessDeniedException">The caller may not manage rules or submit the follow-up.</exception>
    /// <param name="name">The rule's name.</param>
    /// <param name="rule">The rule.</param>
    /// <param name="caller">Who writes it.</param>
    public async Task<ChainRuleView> PutAsync(string name, ChainRuleSpec rule, StacklPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(caller);
        caller.DemandAllTasks("manage chain rules");
        var valid = Validate(rule, caller);
        var view = await Grain(name).PutAsync(valid).ConfigureAwait(false);
        await rules.RefreshAsync().ConfigureAwait(false);
        return view;
    }

    /// <summary>A rule, or null.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="caller">Who asks.</param>
    public Task<ChainRuleView?> GetAsync(string name, StacklPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.DemandAllTasks("read chain rules");
        return IsName(name) ? Grain(name).GetAsync() : Task.FromResult<ChainRuleView?>(null);
    }

    /// <summary>Every rule, by name.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public Task<IReadOnlyList<ChainRuleView>> ListAsync(StacklPrincipal caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.DemandAllTasks("list chain rules");
        return index.ListAsync(int.MaxValue, cancellationToken);
    }

    /// <summary>Deletes a rule; false when there was none.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="caller">Who asks.</param>
    public async Task<bool> DeleteAsync(string name, StacklPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        caller.DemandAllTasks("manage chain rules");
        if (!IsName(name) || await Grain(name).GetAsync().ConfigureAwait(false) is not { } rule)
        {
            return false;
        }

        caller.DemandSubmit($"{rule.Then.Topic}/{rule.Then.Subtype}", $"delete the chain rule '{name}', which submits {rule.Then.Topic}/{rule.Then.Subtype} tasks");
        var deleted = await Grain(name).DeleteAsync().ConfigureAwait(false);
        await rules.RefreshAsync().ConfigureAwait(false);
        return deleted;
    }

    private ChainRuleSpec Validate(ChainRuleSpec rule, StacklPrincipal caller)
    {
        if (rule.When is null || string.IsNullOrWhiteSpace(rule.When.Topic))
        {
            throw Invalid("when.topic is required: the topic of the finished tasks that fire the rule.");
        }

        if (rule.When.Status?.Where(s => !s.IsFinal()).Select(s => (TaskStatus?)s).FirstOrDefault() is { } unfinished)
        {
            throw Invalid($"when.status lists {unfinished}; a rule fires on final statuses: {string.Join(", ", Enum.GetValues<TaskStatus>().Where(s => s.IsFinal()))}.");
        }

        if (rule.Then is null)
        {
            throw Invalid("then is required: the follow-up task ({\"topic\", \"subtype\", \"payload\", ...}).");
        }

        if (rule.Then.IdempotencyKey is not null)
        {
            throw Invalid("then.idempotencyKey must be left out: each follow-up's key is the rule's name and the finished task's id, so a rule fires once per task.");
        }

        if (rule.Then.Payload.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            throw Invalid("then.payload must be an object: the follow-up's payload gets a parent field (the finished task).");
        }

        var sample = new TaskSubmission(rule.When.Topic, rule.When.Subtype ?? "", null, default, [], TimeSpan.Zero);
        try
        {
            tasks.ValidateFor(rule.Then with { Payload = ChainRules.WithParent(rule.Then.Payload, ChainRules.Parent(new string('0', TaskId.Length), sample, TaskStatus.Completed, null)), Source = null }, caller);
        }
        catch (TaskValidationException invalid)
        {
            throw new TaskValidationException(invalid.Code, $"then: {invalid.Message}");
        }

        return rule with { Then = rule.Then with { Source = null } };
    }

    private IChainRuleGrain Grain(string name) =>
        IsName(name)
            ? grains.GetGrain<IChainRuleGrain>(name)
            : throw Invalid($"'{name}' is not a chain rule name: {ResourceNames.Rule}.");

    private static TaskValidationException Invalid(string message) => new(ErrorCodes.InvalidChain, message);

    private static bool IsName(string? name) => ResourceNames.IsValid(name);
}
