using System.Data.Common;
using System.Globalization;
using Stackl.Runtime;
using GrainId = Stackl.Runtime.GrainId;
using ReminderEntry = Stackl.Runtime.Storage.ReminderEntry;
using Stackl.Runtime.Storage;

namespace Stackl.Storage;

/// <summary>Durable reminders in SQLite or PostgreSQL: one row per (grain, name), due time in unix microseconds, indexed; writes share the group commit.</summary>
public sealed class RelationalReminderStore(StorageEngine engine) : IReminderStore
{
    private const string Columns = "grain_type, grain_key, name, due_at, period_us, attempt, version";

    /// <inheritdoc />
    public async Task<long> UpsertAsync(GrainId grain, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken = default)
    {
        var version = await engine.Writer.WriteAsync(SqlStatement.Of(
            $"INSERT INTO stackl_reminders ({Columns}) VALUES (@t, @k, @n, @due, @period, 0, 1) " +
            "ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_us = excluded.period_us, attempt = 0, version = stackl_reminders.version + 1 " +
            "RETURNING version",
            ("t", grain.Type),
            ("k", grain.Key),
            ("n", name),
            ("due", UnixMicros.From(dueAt)),
            ("period", period is { } p ? p.Ticks / 10 : null))).ConfigureAwait(false);
        return Convert.ToInt64(version, CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task<ReminderEntry?> GetAsync(GrainId grain, string name, CancellationToken cancellationToken = default)
    {
        var rows = await engine.QueryAsync(
            SqlStatement.Of($"SELECT {Columns} FROM stackl_reminders WHERE grain_type = @t AND grain_key = @k AND name = @n", ("t", grain.Type), ("k", grain.Key), ("n", name)),
            Map,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> GetForGrainAsync(GrainId grain, CancellationToken cancellationToken = default) =>
        await engine.QueryAsync(
            SqlStatement.Of($"SELECT {Columns} FROM stackl_reminders WHERE grain_type = @t AND grain_key = @k ORDER BY name", ("t", grain.Type), ("k", grain.Key)),
            Map,
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReminderEntry>> GetDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken = default) =>
        await engine.QueryAsync(
            SqlStatement.Of($"SELECT {Columns} FROM stackl_reminders WHERE due_at <= @due ORDER BY due_at LIMIT @limit", ("due", UnixMicros.From(dueBefore)), ("limit", limit)),
            Map,
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long?> RescheduleAsync(GrainId grain, string name, long expectedVersion, DateTimeOffset dueAt, int attempt, CancellationToken cancellationToken = default)
    {
        var version = await engine.Writer.WriteAsync(SqlStatement.Of(
            "UPDATE stackl_reminders SET due_at = @due, attempt = @attempt, version = version + 1 WHERE grain_type = @t AND grain_key = @k AND name = @n AND version = @v RETURNING version",
            ("t", grain.Type),
            ("k", grain.Key),
            ("n", name),
            ("due", UnixMicros.From(dueAt)),
            ("attempt", attempt),
            ("v", expectedVersion))).ConfigureAwait(false);
        return version is null ? null : Convert.ToInt64(version, CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(GrainId grain, string name, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        var sql = "DELETE FROM stackl_reminders WHERE grain_type = @t AND grain_key = @k AND name = @n" + (expectedVersion is null ? "" : " AND version = @v") + " RETURNING version";
        var statement = expectedVersion is { } v
            ? SqlStatement.Of(sql, ("t", grain.Type), ("k", grain.Key), ("n", name), ("v", v))
            : SqlStatement.Of(sql, ("t", grain.Type), ("k", grain.Key), ("n", name));
        return await engine.Writer.WriteAsync(statement).ConfigureAwait(false) is not null;
    }

    private static ReminderEntry Map(DbDataReader reader) => new(
        new GrainId(reader.GetString(0), reader.GetString(1)),
        reader.GetString(2),
        UnixMicros.To(reader.GetInt64(3)),
        reader.IsDBNull(4) ? null : TimeSpan.FromTicks(reader.GetInt64(4) * 10),
        reader.GetInt32(5),
        reader.GetInt64(6));
}
