using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Stackl.Tasks.Diagnostics;
using Stackl.Tasks.Events;
using Stackl.Tasks.Execution;
using Stackl.Tasks.Handlers;
using Stackl.Tasks.Security;

namespace Stackl.Tasks;

/// <summary>Adds Stackl's task domain to an Orleans silo.</summary>
public static class TasksSiloBuilderExtensions
{
    /// <summary>Adds task and document grains, the built-in handlers (<c>document/*</c>, <c>demo/*</c>), reminders for deadlines and <see cref="TaskService"/>.</summary>
    /// <remarks>
    /// Idempotent. Options bind from <c>Stackl:Tasks</c> when the host configures them; <paramref name="configure"/> runs after. The silo
    /// still needs storage: <c>UseStacklSqlite</c> or <c>UseStacklPostgres</c> from Stackl.Storage.
    /// </remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Changes the task options.</param>
    public static ISiloBuilder AddStackl(this ISiloBuilder builder, Action<TaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<TaskOptions>().Validate(
            o =>
            {
                o.Validate();
                return true;
            });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(s => s.ServiceType == typeof(TaskService)))
        {
            return builder;
        }

        services.AddSerializer(serializer => serializer.AddJsonSerializer(GrainJson.IsMessageType, static _ => false, o => o.Configure(json => json.SerializerOptions = GrainJson.Options)));
        services.AddSingleton<IGeneralizedCopier, ImmutableMessageCopier>();

        // Tasks keep no reminder of their own any more (the deadline sweep replaced it); a task reminder stored by an earlier version
        // still ticks at the recovery interval, below Orleans' default floor of one minute, until the task removes it.
        services.AddOptions<ReminderOptions>().Configure<IOptions<TaskOptions>>((reminders, tasks) =>
        {
            if (tasks.Value.RecoveryInterval < reminders.MinimumReminderPeriod)
            {
                reminders.MinimumReminderPeriod = tasks.Value.RecoveryInterval;
            }
        });
        builder.AddReminders();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HandlerRegistry>();
        services.TryAddSingleton<FaultInjector>();
        services.TryAddSingleton<LockSignals>();
        services.AddMetrics();
        services.TryAddSingleton<TaskMetrics>();
        services.TryAddSingleton<TaskEventHub>();
        services.TryAddSingleton<TaskDrain>();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<TaskDrain>());
        services.TryAddSingleton<TaskEnvironment>();
        services.TryAddSingleton<NewGrainKeys>();
        services.TryAddSingleton<TaskService>();
        services.AddOptions<Schedules.ScheduleOptions>();
        services.TryAddSingleton<Schedules.ScheduleService>();
        services.AddOptions<Chains.ChainOptions>();
        services.TryAddSingleton<Chains.ChainRules>();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<Chains.ChainRules>());
        services.TryAddSingleton<Chains.ChainService>();
        services.AddOptions<StacklAuthOptions>().Validate(o =>
        {
            o.Validate();
            return true;
        });
        services.TryAddSingleton<RoleCatalog>();
        services.TryAddSingleton<AuthPolicy>();
        services.TryAddSingleton<ApiKeyService>();
        services.TryAddSingleton<TaskDeadlineSweep>();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<TaskDeadlineSweep>());
        builder.AddTaskHandler<PutDocumentHandler>()
            .AddTaskHandler<PatchDocumentHandler>()
            .AddTaskHandler<DeleteDocumentHandler>()
            .AddTaskHandler<RestoreDocumentHandler>()
            .AddTaskHandler<TransactionHandler>()
            .AddTaskHandler<EchoHandler>()
            .AddTaskHandler<SleepHandler>()
            .AddTaskHandler<FailHandler>()
            .AddTaskHandler<ProvisionHandler>()
            .AddTaskHandler<DeprovisionHandler>()
            .AddTaskHandler<Flows.FlowHandler>();
        return builder;
    }

    /// <summary>Registers a task handler for its topic/subtype; two handlers for one topic/subtype fail the silo's start.</summary>
    /// <typeparam name="THandler">The handler; its constructor takes services.</typeparam>
    /// <param name="builder">The silo builder.</param>
    public static ISiloBuilder AddTaskHandler<THandler>(this ISiloBuilder builder)
        where THandler : class, ITaskHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITaskHandler, THandler>());
        return builder;
    }

    /// <summary>Registers a revert handler for its kind of side effect.</summary>
    /// <typeparam name="TRevert">The revert handler.</typeparam>
    /// <param name="builder">The silo builder.</param>
    public static ISiloBuilder AddTaskRevertHandler<TRevert>(this ISiloBuilder builder)
        where TRevert : class, ITaskRevertHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITaskRevertHandler, TRevert>());
        return builder;
    }
}
