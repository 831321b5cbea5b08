using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using IReminderTable = Orleans.IReminderTable;

namespace Stackl.Storage.Reminders;

/// <summary>Picks where a silo keeps its Orleans reminders: SQLite (embedded) or PostgreSQL (cluster).</summary>
public static class ReminderStorageExtensions
{
    /// <summary>The ADO.NET invariant name under which Orleans loads Npgsql.</summary>
    private const string NpgsqlInvariant = "Npgsql";

    /// <summary>Keeps reminders in the SQLite file of the silo's <see cref="StorageEngine"/> service, and adds Orleans' reminder service.</summary>
    /// <param name="builder">The silo builder; a <see cref="StorageEngine"/> singleton over SQLite must be registered.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Idempotent; replaces any reminder table picked before (the last <c>Use...Reminders</c> wins).</remarks>
    public static ISiloBuilder UseStacklSqliteReminders(this ISiloBuilder builder) =>
        UseStacklSqliteReminders(builder, static services => services.GetRequiredService<StorageEngine>());

    /// <summary>Keeps reminders in the SQLite file of the engine <paramref name="engine"/> picks, and adds Orleans' reminder service.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="engine">Picks the SQLite engine, once, when the table is first resolved; the table does not dispose it.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Idempotent; replaces any reminder table picked before (the last <c>Use...Reminders</c> wins).</remarks>
    public static ISiloBuilder UseStacklSqliteReminders(this ISiloBuilder builder, Func<IServiceProvider, StorageEngine> engine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(engine);
        builder.AddReminders();
        RemoveReminderTables(builder.Services);
        builder.Services.AddSingleton<IReminderTable>(services => new SqliteReminderTable(engine(services), services.GetRequiredService<IOptions<ClusterOptions>>()));
        return builder;
    }

    /// <summary>
    /// Keeps reminders in PostgreSQL through Orleans' ADO.NET reminder table (invariant <c>Npgsql</c>), and adds Orleans' reminder
    /// service; the schema (table and <c>OrleansQuery</c> statements) is migrated before the reminder service starts.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="connectionString">The Npgsql connection string. It is never logged.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Idempotent; replaces any reminder table picked before (the last <c>Use...Reminders</c> wins, connection string included).</remarks>
    public static ISiloBuilder UseStacklPostgresReminders(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        RemoveReminderTables(builder.Services);

        // Adds the reminder service, the ADO.NET table and its options validator; options configured by an earlier call run
        // first, so this call's connection string is the one in force.
        builder.UseAdoNetReminderService(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });
        builder.Services.TryAddSingleton<PostgresSchemaAtStart>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, PostgresReminderSchema>());
        return builder;
    }

    /// <summary>Removes every reminder table registration, and what only Orleans' ADO.NET table needs, so a provider can be picked again.</summary>
    private static void RemoveReminderTables(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType == typeof(IReminderTable)
                || descriptor.ImplementationType == typeof(AdoNetReminderTableOptionsValidator)
                || descriptor.ImplementationType == typeof(PostgresReminderSchema))
            {
                services.RemoveAt(i);
            }
        }
    }
}
