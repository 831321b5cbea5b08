using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Stackl.Storage;

/// <summary>Migrates a PostgreSQL database once per silo, for the Orleans ADO.NET providers that read our tables before the storage does.</summary>
/// <remarks>Clustering and reminders usually name the same database: the second asks for a migration already done (or running) and waits for it.</remarks>
internal sealed class PostgresSchemaAtStart(IEnumerable<ISchemaScriptSource> scripts, ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _migrations = new(StringComparer.Ordinal);

    /// <summary>Applies the schema scripts to the database of <paramref name="connectionString"/> unless this silo already did.</summary>
    /// <param name="connectionString">The database.</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    public Task EnsureAsync(string connectionString, CancellationToken cancellationToken) =>
        _migrations.GetOrAdd(connectionString, cs => new Lazy<Task>(() => MigrateAsync(cs, cancellationToken))).Value;

    private async Task MigrateAsync(string connectionString, CancellationToken cancellationToken)
    {
        // An engine of its own over the provider's connection string: the schema is created where the provider will look.
        var engine = StorageEngine.CreatePostgres(new PostgresStorageOptions { ConnectionString = connectionString, WriterCount = 1 }, scripts, loggerFactory.CreateLogger("Stackl.Storage"));
        await using (engine.ConfigureAwait(false))
        {
            await engine.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
