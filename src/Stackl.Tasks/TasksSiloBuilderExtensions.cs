using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Stackl.Runtime.Hosting;
using Stackl.Tasks.Diagnostics;
using Stackl.Tasks.Events;
using Stackl.Tasks.Handlers;
using Stackl.Tasks.Tasks;

namespace Stackl.Tasks;

/// <summary>Adds the task domain to a silo.</summary>
public static class TasksSiloBuilderExtensions
{
    /// <summary>Adds task and document grains, the built-in handlers (<c>document/*</c>, <c>demo/*</c>) and <see cref="TaskService"/>.</summary>
    /// <remarks>Idempotent. Options bind from <c>Stackl:Tasks</c> when the host configures them; <paramref name="configure"/> runs after.</remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Changes the task options.</param>
    public static SiloBuilder AddStacklTasks(this SiloBuilder builder, Action<TaskOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGrains(typeof(TaskGrain).Assembly).AddJsonTypeInfoResolver(TasksJsonContext.Default);
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

        services.TryAddSingleton<HandlerRegistry>();
        services.TryAddSingleton<FaultInjector>();
        services.TryAddSingleton<LockSignals>();
        services.AddMetrics();
        services.TryAddSingleton<TaskMetrics>();
        services.TryAddSingleton<TaskEventHub>();
        services.TryAddSingleton<TaskEnvironment>();
        services.TryAddSingleton<TaskService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, TaskRecoveryService>());
        builder.AddTaskHandler<PutDocumentHandler>()
            .AddTaskHandler<PatchDocumentHandler>()
            .AddTaskHandler<DeleteDocumentHandler>()
            .AddTaskHandler<RestoreDocumentHandler>()
            .AddTaskHandler<TransactionHandler>()
            .AddTaskHandler<EchoHandler>()
            .AddTaskHandler<SleepHandler>()
            .AddTaskHandler<FailHandler>();
        return builder;
    }

    /// <summary>Registers a task handler for its topic/subtype; two handlers for one topic/subtype fail the silo's start.</summary>
    /// <typeparam name="THandler">The handler; its constructor takes services.</typeparam>
    /// <param name="builder">The silo builder.</param>
    public static SiloBuilder AddTaskHandler<THandler>(this SiloBuilder builder)
        where THandler : class, ITaskHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITaskHandler, THandler>());
        return builder;
    }

    /// <summary>Registers a revert handler for its kind of side effect.</summary>
    /// <typeparam name="TRevert">The revert handler.</typeparam>
    /// <param name="builder">The silo builder.</param>
    public static SiloBuilder AddTaskRevertHandler<TRevert>(this SiloBuilder builder)
        where TRevert : class, ITaskRevertHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITaskRevertHandler, TRevert>());
        return builder;
    }
}
