using System.Text.Json;
using Stackl.Contracts;
using Stackl.Tasks;
using Stackl.Tasks.Execution;
using Stackl.Tasks.Queries;

namespace Stackl.Storage.Tasks;

/// <summary>Task listings from <c>stackl_tasks</c>, newest first, served by its status and topic indexes.</summary>
internal sealed class RelationalTaskIndex(StorageEngine engine) : ITaskIndex
{
    /// <summary>The SQL list of unfinished statuses, word for word the predicate of the partial index <c>ix_stackl_tasks_unfinished</c>
    /// (migration 0005), so both engines serve a query that repeats it from that index.</summary>
    internal static readonly string UnfinishedStatuses = $"({string.Join(", ", TaskStatusExtensions.Unfinished.Select(s => $"'{s}'"))})";

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

        if (query.Source is { } source)
        {
            conditions.Add("source = @source");
            parameters.Add(("source", source));
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

    public async Task<IReadOnlyList<string>> ListStrandedAsync(StrandedTaskQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<(string, object?)> { ("overdue", UnixMicros.From(query.OverdueBefore)), ("limit", query.Limit) };
        string Parameters(IEnumerable<string> silos, string prefix) =>
            string.Join(", ", silos.Select((silo, i) => { parameters.Add(($"{prefix}{i}", silo)); return $"@{prefix}{i}"; }));
        var stranded = "deadline < @overdue";
        if (query.DeadSilos.Count > 0)
        {
            stranded += $" OR silo_address IN ({Parameters(query.DeadSilos, "d")})";
        }

        if (query.LiveSilos is { } live)
        {
            stranded += live.Count == 0 ? " OR TRUE" : $" OR silo_address IS NULL OR deadline IS NULL OR silo_address NOT IN ({Parameters(live, "l")})";
        }

        var after = "";
        if (query.After is { } cursor)
        {
            after = " AND id > @after";
            parameters.Add(("after", cursor));
        }

        var sql = $"SELECT id FROM stackl_tasks WHERE status IN {UnfinishedStatuses}"
            + $" AND ({stranded}){after} ORDER BY id LIMIT @limit";
        return await engine.QueryAsync(SqlStatement.Of(sql, [.. parameters]), reader => reader.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    public async Task<TaskDecision> GetStoredDecisionAsync(string taskId, CancellationToken cancellationToken = default)
    {
        var rows = await engine.QueryAsync(
            SqlStatement.Of("SELECT state FROM stackl_tasks WHERE id = @id", ("id", taskId)),
            reader => reader.IsDBNull(0) ? null : JsonSerializer.Deserialize((byte[])reader.GetValue(0), TasksJsonContext.Default.TaskState),
            cancellationToken).ConfigureAwait(false);

        // A lock whose owner was never stored (its submit failed after asking for the lock) decided nothing.
        return rows.Count == 0 || rows[0] is not { } state ? TaskDecision.Abort : state.Decision;
    }
}
