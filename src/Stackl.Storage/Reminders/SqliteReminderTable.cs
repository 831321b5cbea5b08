using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using IReminderTable = Orleans.IReminderTable;
using OrleansGrainId = Orleans.Runtime.GrainId;
using OrleansReminderEntry = Orleans.ReminderEntry;
using ReminderTableData = Orleans.ReminderTableData;

namespace Stackl.Storage.Reminders;

/// <summary>Orleans' reminder table in the SQLite file of a <see cref="StorageEngine"/>; writes share the engine's group commit.</summary>
/// <remarks>
/// Rows are keyed by (service id, grain id, reminder name) and carry the grain's uniform hash for the ring-range reads the reminder
/// service makes. An ETag is a number from a table-wide counter that only grows, so a reminder removed and registered again never
/// gets an ETag it had before. A write returns once its transaction is durable.
/// </remarks>
public sealed class SqliteReminderTable : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_at, period_us, version";
    private const string SelectRows = $"SELECT {Columns} FROM stackl_orleans_reminders WHERE service_id = @s";

    private readonly StorageEngine _engine;
    private readonly string _serviceId;

    /// <summary>Creates the table over an engine; the table does not own the engine.</summary>
    /// <param name="engine">A SQLite engine; the schema is migrated by <see cref="StartAsync"/> (or the first call).</param>
    /// <param name="clusterOptions">The cluster's options; reminders are kept per <see cref="ClusterOptions.ServiceId"/>.</param>
    public SqliteReminderTable(StorageEngine engine, IOptions<ClusterOptions> clusterOptions)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        if (engine.Dialect != StorageDialect.Sqlite)
        {
            throw new ArgumentException(
                $"The SQLite reminder table needs a SQLite engine, not {engine.Dialect}; on PostgreSQL use UseStacklPostgresReminders (Orleans' ADO.NET reminder table).",
                nameof(engine));
        }

        var serviceId = clusterOptions.Value.ServiceId;
        if (string.IsNullOrWhiteSpace(serviceId))
        {
            throw new ArgumentException("ClusterOptions.ServiceId is empty; set it (Configure<ClusterOptions>, or UseLocalhostClustering's serviceId) so reminders are kept per service.", nameof(clusterOptions));
        }

        _engine = engine;
        _serviceId = serviceId;
    }

    /// <summary>Migrates the schema if needed; the reminder service calls it when the silo starts.</summary>
    /// <param name="cancellationToken">Cancels the wait for the migration.</param>
    public Task StartAsync(CancellationToken cancellationToken) => _engine.EnsureReadyAsync(cancellationToken);

    /// <inheritdoc />
    public Task Init() => StartAsync(CancellationToken.None);

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(OrleansGrainId grainId) => ReadRows(grainId, CancellationToken.None);

    /// <summary>Reads every reminder of one grain.</summary>
    /// <param name="grainId">The grain.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<ReminderTableData> ReadRows(OrleansGrainId grainId, CancellationToken cancellationToken)
    {
        var rows = await _engine.QueryAsync(
            SqlStatement.Of($"{SelectRows} AND grain_id = @g", ("s", _serviceId), ("g", grainId.ToString())),
            Map,
            cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(rows);
    }

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <summary>Reads the reminders of the grains whose uniform hash is in the ring range (begin, end]; begin = end is the whole ring.</summary>
    /// <param name="begin">The exclusive start of the range.</param>
    /// <param name="end">The inclusive end of the range.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
    {
        // Hashes are stored as signed integers (as Orleans' ADO.NET provider stores them). Reading the ring in signed order only
        // rotates it by half a turn, so (begin, end] is one interval when begin < end as signed values and wraps otherwise.
        var signedBegin = unchecked((int)begin);
        var signedEnd = unchecked((int)end);
        var sql = signedBegin < signedEnd
            ? $"{SelectRows} AND grain_hash > @b AND grain_hash <= @e"
            : $"{SelectRows} AND (grain_hash > @b OR grain_hash <= @e)";
        var rows = await _engine.QueryAsync(SqlStatement.Of(sql, ("s", _serviceId), ("b", signedBegin), ("e", signedEnd)), Map, cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(rows);
    }

    /// <inheritdoc />
    public Task<OrleansReminderEntry?> ReadRow(OrleansGrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    /// <summary>Reads one reminder, or null when the grain has no reminder of that name.</summary>
    /// <param name="grainId">The grain.</param>
    /// <param name="reminderName">The reminder's name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<OrleansReminderEntry?> ReadRow(OrleansGrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        var rows = await _engine.QueryAsync(
            SqlStatement.Of($"{SelectRows} AND grain_id = @g AND reminder_name = @n", ("s", _serviceId), ("g", grainId.ToString()), ("n", reminderName)),
            Map,
            cancellationToken).ConfigureAwait(false);

        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public Task<string?> UpsertRow(OrleansReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <summary>Inserts or replaces a reminder and returns its new ETag; every write gets a new one.</summary>
    /// <param name="entry">The reminder (its ETag is ignored: an upsert always wins).</param>
    /// <param name="cancellationToken">Not used: a write, once queued, is committed with its group.</param>
    public async Task<string?> UpsertRow(OrleansReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.ReminderName);
        cancellationToken.ThrowIfCancellationRequested();

        // The guard takes the next ETag; the upsert, in the same transaction, stores it.
        var version = await _engine.Writer.WriteAsync(
            SqlStatement.Of("UPDATE stackl_orleans_reminder_versions SET last = last + 1 WHERE id = 1 RETURNING last"),
            SqlStatement.Of(
                "INSERT INTO stackl_orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_at, period_us, version) " +
                "VALUES (@s, @g, @n, @h, @start, @period, (SELECT last FROM stackl_orleans_reminder_versions WHERE id = 1)) " +
                "ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE SET grain_hash = excluded.grain_hash, start_at = excluded.start_at, " +
                "period_us = excluded.period_us, version = excluded.version",
                ("s", _serviceId),
                ("g", entry.GrainId.ToString()),
                ("n", entry.ReminderName),
                ("h", unchecked((int)entry.GrainId.GetUniformHashCode())),
                ("start", UnixMicros.From(AsUtc(entry.StartAt))),
                ("period", entry.Period.Ticks / TimeSpan.TicksPerMicrosecond))).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The reminder ETag counter row is missing; the schema script 0003_orleans_reminders did not run.");
        return Convert.ToInt64(version, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public Task<bool> RemoveRow(OrleansGrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <summary>Removes a reminder if its ETag is still <paramref name="eTag"/>.</summary>
    /// <param name="grainId">The grain.</param>
    /// <param name="reminderName">The reminder's name.</param>
    /// <param name="eTag">The ETag the caller read or wrote last.</param>
    /// <param name="cancellationToken">Not used: a write, once queued, is committed with its group.</param>
    /// <returns>True when the row existed with that ETag and is gone; false otherwise (nothing changed).</returns>
    public async Task<bool> RemoveRow(OrleansGrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reminderName);
        cancellationToken.ThrowIfCancellationRequested();
        if (!long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        var removed = await _engine.Writer.WriteAsync(SqlStatement.Of(
            "DELETE FROM stackl_orleans_reminders WHERE service_id = @s AND grain_id = @g AND reminder_name = @n AND version = @v RETURNING version",
            ("s", _serviceId),
            ("g", grainId.ToString()),
            ("n", reminderName),
            ("v", version))).ConfigureAwait(false);
        return removed is not null;
    }

    /// <inheritdoc />
    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <summary>Removes every reminder of this service (other services' rows stay).</summary>
    /// <param name="cancellationToken">Not used: a write, once queued, is committed with its group.</param>
    public async Task TestOnlyClearTable(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // A guard always returns a row (the count), so the delete runs as its follow-up.
        await _engine.Writer.WriteAsync(
            SqlStatement.Of("SELECT count(*) FROM stackl_orleans_reminders WHERE service_id = @s", ("s", _serviceId)),
            SqlStatement.Of("DELETE FROM stackl_orleans_reminders WHERE service_id = @s", ("s", _serviceId))).ConfigureAwait(false);
    }

    // Orleans hands out UTC times; an unspecified kind is taken as UTC rather than shifted by the machine's zone.
    private static DateTimeOffset AsUtc(DateTime at) => at.Kind == DateTimeKind.Local
        ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero)
        : new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc), TimeSpan.Zero);

    private static OrleansReminderEntry Map(DbDataReader reader) => new()
    {
        GrainId = OrleansGrainId.Parse(reader.GetString(0)),
        ReminderName = reader.GetString(1),
        StartAt = UnixMicros.To(reader.GetInt64(2)).UtcDateTime,
        Period = TimeSpan.FromTicks(reader.GetInt64(3) * TimeSpan.TicksPerMicrosecond),
        ETag = reader.GetInt64(4).ToString(CultureInfo.InvariantCulture),
    };
}
