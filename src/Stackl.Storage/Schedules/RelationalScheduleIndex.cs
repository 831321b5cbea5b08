using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks;
using Stackl.Tasks.Chains;
using Stackl.Tasks.Schedules;

namespace Stackl.Storage.Schedules;

/// <summary>States of one grain type read from the grain state table, by key, served by its primary key (grain type first).</summary>
internal static class GrainStateListing
{
    private const string ListSql =
        "SELECT grain_key, payload FROM stackl_grain_state WHERE grain_type = @t AND state_name = @n AND payload IS NOT NULL AND grain_key > @after ORDER BY grain_key LIMIT @limit";

    public static async Task<IReadOnlyList<TView>> ListAsync<TState, TView>(StorageEngine engine, string grainType, string? after, int limit, Func<string, TState, TView> view, CancellationToken cancellationToken)
        where TState : class
    {
        var rows = await engine.QueryAsync(
            SqlStatement.Of(ListSql, ("t", grainType), ("n", grainType), ("after", after ?? ""), ("limit", limit)),
            reader => (Key: reader.GetString(0), State: (byte[])reader.GetValue(1)),
            cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(row => view(row.Key, JsonSerializer.Deserialize<TState>(row.State, GrainJson.Options) ?? throw new InvalidDataException($"{grainType} {row.Key} has a null state.")))];
    }
}

/// <summary>Schedule listings: schedule grains keep their state in the grain state table.</summary>
internal sealed class RelationalScheduleIndex(StorageEngine engine) : IScheduleIndex
{
    public Task<IReadOnlyList<ScheduleView>> ListAsync(string? after, int limit, CancellationToken cancellationToken = default) =>
        GrainStateListing.ListAsync<ScheduleState, ScheduleView>(engine, "schedule", after, limit, (name, state) => state.ToView(name), cancellationToken);
}

/// <summary>Chain rules: chain rule grains keep their state in the grain state table.</summary>
internal sealed class RelationalChainIndex(StorageEngine engine) : IChainIndex
{
    public Task<IReadOnlyList<ChainRuleView>> ListAsync(int limit, CancellationToken cancellationToken = default) =>
        GrainStateListing.ListAsync<ChainRuleState, ChainRuleView>(engine, "chain", null, limit, (name, state) => state.ToView(name), cancellationToken);
}
