using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Stackl.Runtime;
using Stackl.Runtime.Storage;

namespace Stackl.Storage;

/// <summary>Grain state in SQLite or PostgreSQL, with group commit: writes that meet in the store share one transaction.</summary>
/// <remarks>
/// Each write is a conditional statement (insert-if-absent for version 0, update-where-version otherwise), so a stale
/// write fails alone without failing its batch. A caller's task completes only after its batch committed.
/// </remarks>
public sealed class RelationalGrainStateStore : IGrainStateStore, IAsyncDisposable
{
    private const string InsertSql = "INSERT INTO stackl_grain_state (grain_type, grain_key, state_name, payload, version) VALUES (@t, @k, @n, @p, 1) ON CONFLICT DO NOTHING";
    private const string UpdateSql = "UPDATE stackl_grain_state SET payload = @p, version = version + 1 WHERE grain_type = @t AND grain_key = @k AND state_name = @n AND version = @v";

    private readonly StorageEngine _engine;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _pending = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _writers;

    /// <summary>Creates the store and starts its group-commit writers.</summary>
    /// <param name="engine">The database.</param>
    /// <param name="logger">The storage logger.</param>
    public RelationalGrainStateStore(StorageEngine engine, ILogger<RelationalGrainStateStore> logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _logger = logger;
        _writers = [.. Enumerable.Range(0, engine.WriterCount).Select(_ => Task.Run(WriteLoopAsync))];
    }

    /// <inheritdoc />
    public async Task<GrainStateRecord?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default)
    {
        await _engine.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _engine.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload, version FROM stackl_grain_state WHERE grain_type = @t AND grain_key = @k AND state_name = @n";
        SchemaMigrator.AddParameter(command, "t", key.GrainType);
        SchemaMigrator.AddParameter(command, "k", key.GrainKey);
        SchemaMigrator.AddParameter(command, "n", key.StateName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var payload = reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0);
        return new GrainStateRecord(payload, reader.GetInt64(1));
    }

    /// <inheritdoc />
    public Task<long> WriteAsync(GrainStateKey key, ReadOnlyMemory<byte> payload, long expectedVersion, CancellationToken cancellationToken = default) =>
        Enqueue(new PendingWrite(key, payload.ToArray(), expectedVersion));

    /// <inheritdoc />
    public Task<long> ClearAsync(GrainStateKey key, long expectedVersion, CancellationToken cancellationToken = default) =>
        Enqueue(new PendingWrite(key, null, expectedVersion));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await Task.WhenAll(_writers).ConfigureAwait(false);
    }

    private Task<long> Enqueue(PendingWrite write)
    {
        if (!_pending.Writer.TryWrite(write))
        {
            return Task.FromException<long>(new ObjectDisposedException(nameof(RelationalGrainStateStore), "The grain-state store is shut down."));
        }

        return write.Completion.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(_engine.MaxBatchSize);
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
                    connection ??= await _engine.OpenConnectionAsync().ConfigureAwait(false);
                    var affected = await CommitBatchAsync(connection, batch).ConfigureAwait(false);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        var write = batch[i];
                        if (affected[i] == 1)
                        {
                            write.Completion.TrySetResult(write.ExpectedVersion + 1);
                        }
                        else
                        {
                            write.Completion.TrySetException(InconsistentStateException.Create(write.Key.ToString(), write.ExpectedVersion, storedVersion: null));
                        }
                    }
                }
                catch (Exception exception)
                {
                    StorageLog.GroupCommitFailed(_logger, exception, batch.Count);
                    foreach (var write in batch)
                    {
                        write.Completion.TrySetException(exception);
                    }

                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<int[]> CommitBatchAsync(DbConnection connection, List<PendingWrite> batch)
    {
        var affected = new int[batch.Count];
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        if (connection.CanCreateBatch)
        {
            // One round trip for the whole group (PostgreSQL).
            await using var dbBatch = connection.CreateBatch();
            dbBatch.Transaction = transaction;
            foreach (var write in batch)
            {
                var command = dbBatch.CreateBatchCommand();
                command.CommandText = write.ExpectedVersion == 0 ? InsertSql : UpdateSql;
                AddWriteParameters(command.CreateParameter, command.Parameters, write);
                dbBatch.BatchCommands.Add(command);
            }

            await dbBatch.ExecuteNonQueryAsync().ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                affected[i] = dbBatch.BatchCommands[i].RecordsAffected;
            }
        }
        else
        {
            // SQLite runs in process: a statement is a function call, so prepared statements in one transaction suffice.
            await using var insert = connection.CreateCommand();
            await using var update = connection.CreateCommand();
            insert.Transaction = transaction;
            update.Transaction = transaction;
            insert.CommandText = InsertSql;
            update.CommandText = UpdateSql;
            for (var i = 0; i < batch.Count; i++)
            {
                var write = batch[i];
                var command = write.ExpectedVersion == 0 ? insert : update;
                command.Parameters.Clear();
                AddWriteParameters(command.CreateParameter, command.Parameters, write);
                affected[i] = await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        return affected;
    }

    private static void AddWriteParameters(Func<DbParameter> create, DbParameterCollection parameters, PendingWrite write)
    {
        void Add(string name, object? value)
        {
            var parameter = create();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            if (name == "p")
            {
                parameter.DbType = System.Data.DbType.Binary;
            }

            parameters.Add(parameter);
        }

        Add("t", write.Key.GrainType);
        Add("k", write.Key.GrainKey);
        Add("n", write.Key.StateName);
        Add("p", write.Payload);
        if (write.ExpectedVersion != 0)
        {
            Add("v", write.ExpectedVersion);
        }
    }

    private sealed class PendingWrite(GrainStateKey key, byte[]? payload, long expectedVersion)
    {
        public GrainStateKey Key { get; } = key;

        public byte[]? Payload { get; } = payload;

        public long ExpectedVersion { get; } = expectedVersion;

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
