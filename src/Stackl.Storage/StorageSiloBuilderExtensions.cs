using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Stackl.Runtime.Hosting;
using Stackl.Runtime.Storage;
using Stackl.Storage.Tasks;
using Stackl.Tasks;
using Stackl.Tasks.Queries;

namespace Stackl.Storage;

/// <summary>Picks the silo's storage provider: SQLite (embedded) or PostgreSQL (cluster).</summary>
public static class StorageSiloBuilderExtensions
{
    /// <summary>Stores grain state, reminders, tasks, documents and history in a SQLite file (default <c>./data/stackl.db</c>); the schema is migrated before first use.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Changes the options.</param>
    public static SiloBuilder UseSqliteStorage(this SiloBuilder builder, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SqliteStorageOptions();
        configure?.Invoke(options);
        return Use(builder, sp => StorageEngine.CreateSqlite(options, sp.GetServices<ISchemaScriptSource>(), Logger(sp), sp.GetService<IMeterFactory>()));
    }

    /// <summary>Stores grain state, reminders, tasks, documents and history in PostgreSQL; the schema is migrated before first use.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets at least the connection string.</param>
    public static SiloBuilder UsePostgresStorage(this SiloBuilder builder, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresStorageOptions();
        configure(options);
        return Use(builder, sp => StorageEngine.CreatePostgres(options, sp.GetServices<ISchemaScriptSource>(), Logger(sp), sp.GetService<IMeterFactory>()));
    }

    private static ILogger Logger(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger("Stackl.Storage");

    private static SiloBuilder Use(SiloBuilder builder, Func<IServiceProvider, StorageEngine> createEngine)
    {
        var services = builder.Services;
        services.RemoveAll<StorageEngine>();
        services.RemoveAll<IGrainStateStore>();
        services.RemoveAll<IReminderStore>();
        services.AddSingleton(createEngine);
        services.AddSingleton<IGrainStateStore>(sp => new RelationalGrainStateStore(sp.GetRequiredService<StorageEngine>()));
        services.AddSingleton<IReminderStore>(sp => new RelationalReminderStore(sp.GetRequiredService<StorageEngine>()));
        services.RemoveAllKeyed<IGrainStateStore>(TaskStorageNames.Tasks);
        services.RemoveAllKeyed<IGrainStateStore>(TaskStorageNames.Documents);
        services.RemoveAll<ITaskIndex>();
        services.RemoveAll<IDocumentIndex>();
        services.AddKeyedSingleton<IGrainStateStore>(TaskStorageNames.Tasks, (sp, _) => new RelationalTaskStateStore(sp.GetRequiredService<StorageEngine>()));
        services.AddKeyedSingleton<IGrainStateStore>(TaskStorageNames.Documents, (sp, _) => new RelationalDocumentStateStore(sp.GetRequiredService<StorageEngine>()));
        services.AddSingleton<ITaskIndex>(sp => new RelationalTaskIndex(sp.GetRequiredService<StorageEngine>()));
        services.AddSingleton<IDocumentIndex>(sp => new RelationalDocumentIndex(sp.GetRequiredService<StorageEngine>()));
        return builder;
    }
}
