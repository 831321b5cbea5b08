using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks;
using Stackl.Tasks.Schedules;

namespace Stackl.Storage.Schedules;

/// <summary>Schedule listings from the grain state table (schedule grains keep their state there), by name, served by its primary key.</summary>
internal sealed class RelationalScheduleIndex(StorageEngine engine) : IScheduleIndex
{
    private const string ListSql =
        "SELECT grain_key, payload FROM stackl_grain_state WHERE grain_type = 'schedule' AND state_name = 'schedule' AND payload IS NOT NULL AND grain_key > @after ORDER BY grain_key LIMIT @limit";

    public async Task<IReadOnlyList<ScheduleView>> ListAsync(string? after, int limit, CancellationToken cancellationToken = default)
    {
        var rows = await engine.QueryAsync(
            SqlStatement.Of(ListSql, ("after", after ?? ""), ("limit", limit)),
            reader => (Name: reader.GetString(0), State: (byte[])reader.GetValue(1)),
            cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(row => (JsonSerializer.Deserialize<ScheduleState>(row.State, GrainJson.Options) ?? throw new InvalidDataException($"Schedule {row.Name} has a null state.")).ToView(row.Name))];
    }
}
