using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks;
using Stackl.Tasks.Queries;

namespace Stackl.Storage.Tasks;

/// <summary>Task listings from <c>stackl_tasks</c>, newest first, served by its status and topic indexes.</summary>
internal sealed class RelationalTaskIndex(StorageEngine engine) : ITaskIndex
{
    public async Task<IReadOnlyList<TaskView>> ListAsync(TaskQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var conditions = new List<string> { "state IS NOT NULL" };
        var parameters = new List<(string, object?)> { ("limit", query.Limit) };
        if (query.Status is { } status)
        {
            conditions.Add("status = @status");
            parameters.Add(("status", status.ToString()));
        }

        if (query.Topic is { } topic)
        {
            conditions.Add("topic = @topic");
            parameters.Add(("topic", topic));
        }

        if (query.After is { } after)
        {
            conditions.Add("id < @after");
            parameters.Add(("after", after));
        }

        var sql = $"SELECT id, state FROM stackl_tasks WHERE {string.Join(" AND ", conditions)} ORDER BY id DESC LIMIT @limit";
        return await engine.QueryAsync(
            SqlStatement.Of(sql, [.. parameters]),
            reader => JsonSerializer.Deserialize((byte[])reader.GetValue(1), TasksJsonContext.Default.TaskState)!.ToView(reader.GetString(0), includeLogs: false),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<TaskStatus, long>> CountByStatusAsync(CancellationToken cancellationToken = default)
    {
        var rows = await engine.QueryAsync(
            SqlStatement.Of("SELECT status, COUNT(*) FROM stackl_tasks GROUP BY status"),
            reader => (Status: reader.GetString(0), Count: reader.GetInt64(1)),
            cancellationToken).ConfigureAwait(false);
        var counts = Enum.GetValues<TaskStatus>().ToDictionary(s => s, _ => 0L);
        foreach (var (status, count) in rows)
        {
            if (Enum.TryParse<TaskStatus>(status, out var parsed))
            {
                counts[parsed] = count;
            }
        }

        return counts;
    }
}
