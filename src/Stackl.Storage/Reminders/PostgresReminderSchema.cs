using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Stackl.Storage.Reminders;

/// <summary>
/// Migrates the PostgreSQL schema (our scripts, which hold the reminder table and its <c>OrleansQuery</c> rows) before Orleans'
/// ADO.NET reminder table reads its statements, so a silo that uses PostgreSQL reminders starts on an empty database.
/// </summary>
internal sealed class PostgresReminderSchema(IOptions<AdoNetReminderTableOptions> options, PostgresSchemaAtStart schema) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        // RuntimeInitialize comes before RuntimeGrainServices, where the reminder service starts its table.
        lifecycle.Subscribe(nameof(PostgresReminderSchema), ServiceLifecycleStage.RuntimeInitialize, cancellationToken => schema.EnsureAsync(options.Value.ConnectionString ?? "", cancellationToken));
    }
}
