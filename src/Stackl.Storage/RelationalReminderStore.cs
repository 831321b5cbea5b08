using System.Data.Common;
using Stackl.Runtime;
using Stackl.Runtime.Storage;

namespace Stackl.Storage;

/// <summary>Durable reminders in SQLite or PostgreSQL: one row per (grain, name), due time in unix microseconds, indexed.</summary>
public sealed class RelationalReminderStore(StorageEngine engine) : IReminderStore
{
    private const string Columns = "grain_type, grain_key, name, due_at, period_us, attempt, version";

    /// <inheritdoc />
    public async Task<long> UpsertAsync(GrainId grain, string name, DateTimeOffset dueAt, TimeSpan? period, CancellationToken cancellationToken = default)
    {
        var result = await ScalarAsync(
            $"INSERT INTO stackl_reminders ({Columns}) VALUES (@t, @k, @n, @due, @period, 0, 1) " +
            "ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_us = excluded.period_us, attempt = 0, version = stackl_reminders.version + 1 " +
            "RETURNING version",
            command =>
            {
                AddKey(command, grain, name);
                SchemaMigrator.AddParameter(command, "due", ToMicros(dueAt));
                SchemaMigrator.AddParameter(command, "period", period is { } p ? p.Ticks / 10 : null);
            },
            cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task<ReminderEntry?> GetAsync(GrainId grain, string name, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync($"SELECT {Columns} FROM stackl_reminders WHERE grain_type = @t AND grain_key = @k AND name = @n", command => AddKey(command, grain, name), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> GetForGrainAsync(GrainId grain, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM stackl_reminders WHERE grain_type = @t AND grain_key = @k ORDER BY name",
            command =>
            {
                SchemaMigrator.AddParameter(command, "t", grain.Type);
                SchemaMigrator.AddParameter(command, "k", grain.Key);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ReminderEntry>> GetDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM stackl_reminders WHERE due_at <= @due ORDER BY due_at LIMIT @limit",
            command =>
            {
                SchemaMigrator.AddParameter(command, "due", ToMicros(dueBefore));
                SchemaMigrator.AddParameter(command, "limit", limit);
            },
            cancellationToken);

    /// <inheritdoc />
    public async Task<long?> RescheduleAsync(GrainId grain, string name, long expectedVersion, DateTimeOffset dueAt, int attempt, CancellationToken cancellationToken = default)
    {
        var result = await ScalarAsync(
            "UPDATE stackl_reminders SET due_at = @due, attempt = @attempt, version = version + 1 WHERE grain_type = @t AND grain_key = @k AND name = @n AND version = @v RETURNING version",
            command =>
            {
                AddKey(command, grain, name);
                SchemaMigrator.AddParameter(command, "due", ToMicros(dueAt));
                SchemaMigrator.AddParameter(command, "attempt", attempt);
                SchemaMigrator.AddParameter(command, "v", expectedVersion);
            },
            cancellationToken).ConfigureAwait(false);
        return result is null ? null : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(GrainId grain, string name, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        await engine.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await engine.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM stackl_reminders WHERE grain_type = @t AND grain_key = @k AND name = @n" + (expectedVersion is null ? "" : " AND version = @v");
        AddKey(command, grain, name);
        if (expectedVersion is { } v)
        {
            SchemaMigrator.AddParameter(command, "v", v);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static long ToMicros(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static DateTimeOffset FromMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);

    private static void AddKey(DbCommand command, GrainId grain, string name)
    {
        SchemaMigrator.AddParameter(command, "t", grain.Type);
        SchemaMigrator.AddParameter(command, "k", grain.Key);
        SchemaMigrator.AddParameter(command, "n", name);
    }

    private async Task<object?> ScalarAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        await engine.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await engine.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        parameters(command);
        var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return result is DBNull ? null : result;
    }

    private async Task<IReadOnlyList<ReminderEntry>> QueryAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        await engine.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await engine.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        parameters(command);
        var rows = new List<ReminderEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ReminderEntry(
                new GrainId(reader.GetString(0), reader.GetString(1)),
                reader.GetString(2),
                FromMicros(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : TimeSpan.FromTicks(reader.GetInt64(4) * 10),
                reader.GetInt32(5),
                reader.GetInt64(6)));
        }

        return rows;
    }
}
