using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Stackl.Storage;

/// <summary>
/// Every write of one engine goes through here: writes that meet in the queue share one transaction (one fsync), and each
/// caller is answered only after its transaction committed.
/// </summary>
/// <remarks>
/// A write is a guard statement, which must <c>RETURNING</c> a value, and follow-up statements that run in the same transaction only
/// when the guard returned a row. Guards are conditional (insert-if-absent, update-where-version), so a stale write fails alone
/// without failing its batch. When a batch throws (a bad statement), its writes are retried one per transaction so only the bad one fails.
/// On PostgreSQL a batch of guards alone is one round trip; follow-ups cost two more (they need the guards' answers, then a COMMIT),
/// so PostgreSQL stores fold their follow-ups into the guard statement instead.
/// </remarks>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    private readonly StorageEngine _engine;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _loops;
    private long _commits;

    public GroupCommitWriter(StorageEngine engine, ILogger logger)
    {
        _engine = engine;
        _logger = logger;
        _loops = [.. Enumerable.Range(0, engine.WriterCount).Select(_ => Task.Run(WriteLoopAsync))];
    }

    /// <summary>Queues a write; the task ends with the guard's first column (null when it matched no row) once the write is durable.</summary>
    public Task<object?> WriteAsync(SqlStatement guard, params SqlStatement[] followUps)
    {
        var write = new PendingWrite(guard, followUps);
        return _pending.Writer.TryWrite(write)
            ? write.Completion.Task
            : Task.FromException<object?>(new ObjectDisposedException(nameof(GroupCommitWriter), "The storage engine is shut down."));
    }

    /// <summary>How many group commits (transactions) committed so far; benchmarks divide it by the work done.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(_engine.MaxBatchSize);
        var sqliteCommands = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        DbConnection? connection = null;
        try
        {
            while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _engine.MaxBatchSize && _pending.Reader.TryRead(out var write))
                {
                    batch.Add(write);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                try
                {
                    await _engine.EnsureReadyAsync().ConfigureAwait(false);
                    var reused = connection is not null;
                    connection ??= await _engine.OpenConnectionAsync().ConfigureAwait(false);
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        await CommitAsync(connection, sqliteCommands, batch).ConfigureAwait(false);
                    }
                    catch (Exception exception) when (reused && StorageOutage.IsOutage(exception))
                    {
                        // A connection kept across batches may have died while idle (the server restarted, or its host went away):
                        // one more try on a new one. A guarded state write that did commit before the connection broke is refused
                        // the second time as stale instead of applied twice; the grain then reloads what is stored.
                        await DisposeCommandsAsync(sqliteCommands).ConfigureAwait(false);
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = await _engine.OpenConnectionAsync().ConfigureAwait(false);
                        await CommitAsync(connection, sqliteCommands, batch).ConfigureAwait(false);
                    }

                    _engine.Metrics?.Committed(Stopwatch.GetElapsedTime(started), batch.Count);
                    Interlocked.Increment(ref _commits);
                    _engine.Outage.Succeeded();
                }
                catch (Exception exception)
                {
                    await DisposeCommandsAsync(sqliteCommands).ConfigureAwait(false);
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }

                    if (StorageOutage.IsOutage(exception))
                    {
                        // Every write of the batch fails alike; retrying them one by one would only repeat the wait.
                        var unavailable = _engine.Outage.Failed(exception);
                        foreach (var write in batch)
                        {
                            write.Completion.TrySetException(unavailable);
                        }

                        continue;
                    }

                    if (batch.Count == 1)
                    {
                        StorageLog.GroupCommitFailed(_logger, exception, 1);
                        batch[0].Completion.TrySetException(exception);
                        continue;
                    }

                    // Find the bad write: each alone in its own transaction.
                    foreach (var write in batch)
                    {
                        try
                        {
                            connection ??= await _engine.OpenConnectionAsync().ConfigureAwait(false);
                            await CommitAsync(connection, sqliteCommands, [write]).ConfigureAwait(false);
                            Interlocked.Increment(ref _commits);
                        }
                        catch (Exception single)
                        {
                            StorageLog.GroupCommitFailed(_logger, single, 1);
                            write.Completion.TrySetException(single);
                            await DisposeCommandsAsync(sqliteCommands).ConfigureAwait(false);
                            await connection!.DisposeAsync().ConfigureAwait(false);
                            connection = null;
                        }
                    }
                }
            }
        }
        finally
        {
            await DisposeCommandsAsync(sqliteCommands).ConfigureAwait(false);
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task CommitAsync(DbConnection connection, Dictionary<string, DbCommand> sqliteCommands, List<PendingWrite> batch)
    {
        var results = new object?[batch.Count];
        if (connection.CanCreateBatch && batch.TrueForAll(write => write.FollowUps.Length == 0))
        {
            // PostgreSQL, guards only: a batch sent without BEGIN runs as one implicit transaction that commits (and flushes its WAL)
            // before the server answers its single Sync, so the whole group commit is one round trip instead of three.
            await RunGuardsAsync(connection, transaction: null, batch, results).ConfigureAwait(false);
        }
        else
        {
            await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            if (connection.CanCreateBatch)
            {
                await RunBatchedAsync(connection, transaction, batch, results).ConfigureAwait(false);
            }
            else
            {
                await RunPreparedAsync(connection, transaction, sqliteCommands, batch, results).ConfigureAwait(false);
            }

            await transaction.CommitAsync().ConfigureAwait(false);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(results[i]);
        }
    }

    /// <summary>PostgreSQL: every guard in one round trip, then every follow-up of the guards that matched in a second.</summary>
    private static async Task RunBatchedAsync(DbConnection connection, DbTransaction transaction, List<PendingWrite> batch, object?[] results)
    {
        await RunGuardsAsync(connection, transaction, batch, results).ConfigureAwait(false);
        var hasFollowUps = false;
        await using var followUps = connection.CreateBatch();
        followUps.Transaction = transaction;
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i] is null)
            {
                continue;
            }

            foreach (var statement in batch[i].FollowUps)
            {
                var command = followUps.CreateBatchCommand();
                command.CommandText = statement.BindPositional(command.CreateParameter, command.Parameters);
                followUps.BatchCommands.Add(command);
                hasFollowUps = true;
            }
        }

        if (hasFollowUps)
        {
            await followUps.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    /// <summary>PostgreSQL: every guard of the batch in one round trip; returns once the server answered all of them (and, without a transaction, committed).</summary>
    private static async Task RunGuardsAsync(DbConnection connection, DbTransaction? transaction, List<PendingWrite> batch, object?[] results)
    {
        await using var guards = connection.CreateBatch();
        guards.Transaction = transaction;
        foreach (var write in batch)
        {
            var command = guards.CreateBatchCommand();
            command.CommandText = write.Guard.BindPositional(command.CreateParameter, command.Parameters);
            guards.BatchCommands.Add(command);
        }

        await using var reader = await guards.ExecuteReaderAsync().ConfigureAwait(false);
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0 && !await reader.NextResultAsync().ConfigureAwait(false))
            {
                throw new InvalidOperationException($"Statement {i} of a group commit returned no result set; every guard statement must end in RETURNING.");
            }

            results[i] = await reader.ReadAsync().ConfigureAwait(false) ? NullIfDbNull(reader.GetValue(0)) : null;
        }

        // Reading to the end consumes the server's answer to Sync: an implicit transaction's commit error surfaces here, before any caller is answered.
        while (await reader.NextResultAsync().ConfigureAwait(false))
        {
        }
    }

    /// <summary>SQLite runs in process: a statement is a function call, so prepared statements in one transaction suffice.</summary>
    private static async Task RunPreparedAsync(DbConnection connection, DbTransaction transaction, Dictionary<string, DbCommand> commands, List<PendingWrite> batch, object?[] results)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            results[i] = NullIfDbNull(await Prepare(connection, transaction, commands, write.Guard).ExecuteScalarAsync().ConfigureAwait(false));
            if (results[i] is null)
            {
                continue;
            }

            foreach (var statement in write.FollowUps)
            {
                await Prepare(connection, transaction, commands, statement).ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
    }

    private static DbCommand Prepare(DbConnection connection, DbTransaction transaction, Dictionary<string, DbCommand> commands, SqlStatement statement)
    {
        if (!commands.TryGetValue(statement.Sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = statement.Sql;
            commands.Add(statement.Sql, command);
        }

        command.Transaction = transaction;
        statement.BindToSqlite(command);
        return command;
    }

    private static object? NullIfDbNull(object? value) => value is DBNull ? null : value;

    private static async Task DisposeCommandsAsync(Dictionary<string, DbCommand> commands)
    {
        foreach (var command in commands.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        commands.Clear();
    }

    private sealed class PendingWrite(SqlStatement guard, SqlStatement[] followUps)
    {
        public SqlStatement Guard { get; } = guard;

        public SqlStatement[] FollowUps { get; } = followUps;

        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
