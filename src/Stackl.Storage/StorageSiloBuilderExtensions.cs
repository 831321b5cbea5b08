using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Stackl.Storage.Events;
using Stackl.Storage.Reminders;
using Stackl.Storage.Security;
using Stackl.Storage.Tasks;
using Stackl.Tasks;
using Stackl.Tasks.Events;
using Stackl.Tasks.Queries;
using Stackl.Tasks.Security;

namespace Stackl.Storage;

/// <summary>Picks the silo's storage: SQLite (embedded, one silo) or PostgreSQL (a cluster).</summary>
public static class StorageSiloBuilderExtensions
{
    /// <summary>The name of the grain storage grains get when they name none.</summary>
    public const string DefaultStorageName = "Default";

    /// <summary>Stores grain state, reminders, tasks, documents and history in a SQLite file (default <c>./data/stackl.db</c>); the schema is migrated before first use.</summary>
    /// <remarks>One silo per file: pair it with <c>UseLocalhostClustering</c>.</remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Changes the options.</param>
    public static ISiloBuilder UseStacklSqlite(this ISiloBuilder builder, Action<SqliteStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SqliteStorageOptions();
        configure?.Invoke(options);
        options.Validate();
        UseEngine(builder, sp => StorageEngine.CreateSqlite(options, sp.GetServices<ISchemaScriptSource>(), Logger(sp), sp.GetService<IMeterFactory>()));
        builder.UseStacklSqliteReminders();
        return builder;
    }

    /// <summary>Stores grain state, reminders, tasks, documents and history in PostgreSQL; the schema is migrated before first use.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets at least the connection string.</param>
    public static ISiloBuilder UseStacklPostgres(this ISiloBuilder builder, Action<PostgresStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresStorageOptions();
        configure(options);
        options.Validate();
        UseEngine(builder, sp => StorageEngine.CreatePostgres(options, sp.GetServices<ISchemaScriptSource>(), Logger(sp), sp.GetService<IMeterFactory>()));
        builder.UseStacklPostgresReminders(options.ConnectionString);

        // Silos of one database share their task events, so an event stream on any silo sees every silo's tasks.
        builder.Services.RemoveAll<PostgresEventRelay>();
        builder.Services.AddSingleton(sp => new PostgresEventRelay(options.ConnectionString, sp.GetRequiredService<TaskEventHub>(), Logger(sp)));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresEventRelay>());
        return builder;
    }

    private static ILogger Logger(IServiceProvider services) => services.GetRequiredService<ILoggerFactory>().CreateLogger("Stackl.Storage");

    private static void UseEngine(ISiloBuilder builder, Func<IServiceProvider, StorageEngine> createEngine)
    {
        var services = builder.Services;
        services.RemoveAll<StorageEngine>();
        services.RemoveAll<ITaskIndex>();
        services.RemoveAll<IDocumentIndex>();
        services.RemoveAll<IApiKeyStore>();
        services.RemoveAll<Stackl.Tasks.Schedules.IScheduleIndex>();
        services.RemoveAll<Stackl.Tasks.Chains.IChainIndex>();
        services.AddSingleton(createEngine);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, StorageStartup>());
        services.AddSingleton<ITaskIndex>(sp => new RelationalTaskIndex(sp.GetRequiredService<StorageEngine>()));
        services.AddSingleton<IDocumentIndex>(sp => new RelationalDocumentIndex(sp.GetRequiredService<StorageEngine>()));
        services.AddSingleton<IApiKeyStore>(sp => new RelationalApiKeyStore(sp.GetRequiredService<StorageEngine>()));
        services.AddSingleton<Stackl.Tasks.Schedules.IScheduleIndex>(sp => new Schedules.RelationalScheduleIndex(sp.GetRequiredService<StorageEngine>()));
        services.AddSingleton<Stackl.Tasks.Chains.IChainIndex>(sp => new Schedules.RelationalChainIndex(sp.GetRequiredService<StorageEngine>()));
        AddStorage(services, DefaultStorageName, engine => new RelationalGrainStateStore(engine));
        AddStorage(services, TaskStorageNames.Tasks, engine => new RelationalTaskStateStore(engine));
        AddStorage(services, TaskStorageNames.Documents, engine => new RelationalDocumentStateStore(engine));
    }

    private static void AddStorage(IServiceCollection services, string name, Func<StorageEngine, IGrainStateStore> createStore)
    {
        services.RemoveAllKeyed<IGrainStorage>(name);
        services.AddGrainStorage(name, (sp, _) => new StacklGrainStorage(createStore(sp.GetRequiredService<StorageEngine>()), sp.GetService<NewGrainKeys>()));
    }
}
