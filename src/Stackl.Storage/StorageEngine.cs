using System.Data.Common;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Stackl.Storage;

/// <summary>One database: its data source, its dialect and its schema, migrated once before first use.</summary>
/// <remarks>Stores built on the same engine share its connections; every store call awaits <see cref="EnsureReadyAsync"/>.</remarks>
public sealed class StorageEngine : IAsyncDisposable
{
    // SQLite physical connections (their native handles) that queries found configured; an entry goes with its connection.
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, SQLitePCL.sqlite3> s_configuredSqliteConnections = new();

    private readonly IReadOnlyList<ISchemaScriptSource> _scripts;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Task? _ready;
    private GroupCommitWriter? _writer;
    private bool _disposed;

    private StorageEngine(StorageDialect dialect, DbDataSource dataSource, IEnumerable<ISchemaScriptSource> scripts, ILogger logger, int writerCount, int maxBatchSize, IMeterFactory? meterFactory)
    {
        Metrics = meterFactory is null ? null : new StorageMetrics(meterFactory, dialect);
        Outage = new StorageOutage(dialect, logger, onRecovered: () => ClearDeadConnections(dataSource));
        Dialect = dialect;
        DataSource = dataSource;
        _scripts = [new EmbeddedSchemaScripts(typeof(StorageEngine).Assembly), .. scripts];
        _logger = logger;
        WriterCount = writerCount;
        MaxBatchSize = maxBatchSize;
    }

    /// <summary>Whether the database is reachable, as the last operation found it.</summary>
    internal StorageOutage Outage { get; }

    /// <summary>The engine's SQL dialect.</summary>
    public StorageDialect Dialect { get; }

    /// <summary>The connection source.</summary>
    public DbDataSource DataSource { get; }

    /// <summary>How many group-commit writer loops run at once.</summary>
    public int WriterCount { get; }

    /// <summary>The most writes one group commit takes.</summary>
    public int MaxBatchSize { get; }

    /// <summary>True when <paramref name="exception"/> (or one inside it) means the database could not be reached, rather than that a statement was wrong.</summary>
    /// <param name="exception">An exception from a storage operation, Stackl's or Orleans' ADO.NET providers'.</param>
    public static bool IsOutage(Exception exception) => StorageOutage.IsOutage(exception);

    /// <summary>Creates an engine over a SQLite file (its folder is created).</summary>
    /// <param name="options">The SQLite options.</param>
    /// <param name="scripts">Further schema scripts (other assemblies' tables).</param>
    /// <param name="logger">The storage logger.</param>
    /// <param name="meterFactory">Where the engine's commit metrics go; null for none.</param>
    public static StorageEngine CreateSqlite(SqliteStorageOptions options, IEnumerable<ISchemaScriptSource> scripts, ILogger logger, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var path = Path.GetFullPath(options.DataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        return new StorageEngine(StorageDialect.Sqlite, SqliteFactory.Instance.CreateDataSource(connectionString), scripts, logger, writerCount: 1, options.MaxBatchSize, meterFactory);
    }

    /// <summary>Creates an engine over a PostgreSQL database.</summary>
    /// <param name="options">The PostgreSQL options.</param>
    /// <param name="scripts">Further schema scripts (other assemblies' tables).</param>
    /// <param name="logger">The storage logger.</param>
    /// <param name="meterFactory">Where the engine's commit metrics go; null for none.</param>
    public static StorageEngine CreatePostgres(PostgresStorageOptions options, IEnumerable<ISchemaScriptSource> scripts, ILogger logger, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The same few statements run for every task: prepared once per connection, the server skips parsing and planning them.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        return new StorageEngine(StorageDialect.Postgres, builder.Build(), scripts, logger, options.WriterCount, options.MaxBatchSize, meterFactory);
    }

    /// <summary>The commit instruments, or null when the engine was created without a meter factory.</summary>
    internal StorageMetrics? Metrics { get; }

    /// <summary>The engine's one group-commit writer, started on first use.</summary>
    internal GroupCommitWriter Writer
    {
        get
        {
            if (_writer is { } writer)
            {
                return writer;
            }

            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return _writer ??= new GroupCommitWriter(this, _logger);
            }
        }
    }

    /// <summary>How many group commits this engine's writer committed (zero before the first write).</summary>
    internal long GroupCommits => _writer?.Commits ?? 0;

    /// <summary>Opens a connection, with SQLite's per-connection settings applied.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (Dialect == StorageDialect.Sqlite)
        {
            await ApplySqliteSettingsAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        return connection;
    }

    /// <summary>Opens a connection for queries: SQLite's settings are applied once per physical connection the pool keeps, not on every open.</summary>
    /// <remarks>Writes never use it: every connection that writes is opened with <see cref="OpenConnectionAsync"/>, so synchronous=FULL never depends on the pool.</remarks>
    private async Task<DbConnection> OpenQueryConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (Dialect == StorageDialect.Sqlite)
        {
            var handle = (connection as SqliteConnection)?.Handle;
            if (handle is null || !s_configuredSqliteConnections.TryGetValue(handle, out _))
            {
                await ApplySqliteSettingsAsync(connection, cancellationToken).ConfigureAwait(false);
                if (handle is not null)
                {
                    s_configuredSqliteConnections.AddOrUpdate(handle, handle);
                }
            }
        }

        return connection;
    }

    private static async Task ApplySqliteSettingsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a query on a pooled connection and maps each row.</summary>
    /// <param name="query">The query.</param>
    /// <param name="map">Maps the current row.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<List<T>> QueryAsync<T>(SqlStatement query, Func<DbDataReader, T> map, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(map);
        try
        {
            List<T> rows;
            try
            {
                rows = await QueryCoreAsync(query, map, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException && StorageOutage.IsOutage(exception) && !Outage.InProgress)
            {
                // The pooled connection may have died while idle (the server restarted); a read can safely be tried once more on another.
                rows = await QueryCoreAsync(query, map, cancellationToken).ConfigureAwait(false);
            }

            Outage.Succeeded();
            return rows;
        }
        catch (Exception exception) when (exception is not OperationCanceledException && StorageOutage.IsOutage(exception))
        {
            throw Outage.Failed(exception);
        }
    }

    /// <summary>Runs one statement that writes outside the group-commit writer (rare administrative writes, such as API keys) and maps the rows it returns.</summary>
    /// <remarks>It runs on a connection opened for writing (SQLite's synchronous=FULL), in its own implicit transaction; it is not retried.</remarks>
    /// <param name="statement">The statement, typically with a RETURNING clause.</param>
    /// <param name="map">Maps each returned row.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    public async Task<List<T>> WriteAsync<T>(SqlStatement statement, Func<DbDataReader, T> map, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(map);
        try
        {
            var rows = await RunAsync(statement, map, forWrite: true, cancellationToken).ConfigureAwait(false);
            Outage.Succeeded();
            return rows;
        }
        catch (Exception exception) when (exception is not OperationCanceledException && StorageOutage.IsOutage(exception))
        {
            throw Outage.Failed(exception);
        }
    }

    /// <summary>Checks that the database answers (and that its schema is migrated); throws <see cref="Stackl.Tasks.StorageUnavailableException"/> when it does not.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    public Task CheckAsync(CancellationToken cancellationToken = default) => QueryAsync(SqlStatement.Of("SELECT 1"), _ => 0, cancellationToken);

    private Task<List<T>> QueryCoreAsync<T>(SqlStatement query, Func<DbDataReader, T> map, CancellationToken cancellationToken) =>
        RunAsync(query, map, forWrite: false, cancellationToken);

    private async Task<List<T>> RunAsync<T>(SqlStatement query, Func<DbDataReader, T> map, bool forWrite, CancellationToken cancellationToken)
    {
        await EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = forWrite
            ? await OpenConnectionAsync(cancellationToken).ConfigureAwait(false)
            : await OpenQueryConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        if (Dialect == StorageDialect.Sqlite)
        {
            command.CommandText = query.Sql;
            query.BindToSqlite(command);
        }
        else
        {
            command.CommandText = query.BindPositional(command.CreateParameter, command.Parameters);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>Applies the schema scripts not yet applied (once per engine; later calls return the same task).</summary>
    /// <param name="cancellationToken">Cancels the first migration.</param>
    public Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        var ready = _ready;
        if (ready is { IsCompletedSuccessfully: true })
        {
            return ready;
        }

        lock (_lock)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = new SchemaMigrator(this, _scripts, _logger).MigrateAsync(cancellationToken);
            }

            return _ready;
        }
    }

    /// <summary>Shuts the engine down: queued writes finish, later reads and writes throw <see cref="ObjectDisposedException"/>.</summary>
    /// <remarks>A silo's storage goes with it, so no write from its abandoned work lands after it.</remarks>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        if (_writer is { } writer)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }

        await DataSource.DisposeAsync().ConfigureAwait(false);
    }

    // Connections pooled before an outage are dead after it: ours, and those of Orleans' ADO.NET reminders and membership,
    // which pool by connection string.
    private static void ClearDeadConnections(DbDataSource dataSource)
    {
        if (dataSource is NpgsqlDataSource postgres)
        {
            postgres.Clear();
            NpgsqlConnection.ClearAllPools();
        }
    }
}
