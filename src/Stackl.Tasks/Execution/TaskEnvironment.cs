using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stackl.Tasks.Diagnostics;
using Stackl.Tasks.Events;
using Stackl.Tasks.Handlers;

namespace Stackl.Tasks.Execution;

/// <summary>The silo-wide services task grains and their executors share.</summary>
internal sealed class TaskEnvironment(
    HandlerRegistry handlers,
    FaultInjector faults,
    LockSignals lockSignals,
    TaskEventHub events,
    TaskMetrics metrics,
    IOptions<TaskOptions> options,
    IServiceProvider services,
    ILoggerFactory loggerFactory,
    TimeProvider timeProvider,
    TaskDrain drain,
    ILocalSiloDetails siloDetails)
{
    /// <summary>This silo's name (Orleans' <c>SiloOptions.SiloName</c>), recorded on the tasks it runs.</summary>
    public string SiloName => siloDetails.Name;

    public TimeProvider TimeProvider => timeProvider;

    /// <summary>Cancelled when a stopping silo's drain ends: executors end, and the task's reminder or the next start's recovery scan picks them up.</summary>
    public CancellationToken SiloStopping => drain.HandOver;

    public TaskDrain Drain => drain;

    public HandlerRegistry Handlers => handlers;

    public FaultInjector Faults => faults;

    public LockSignals LockSignals => lockSignals;

    public TaskEventHub Events => events;

    public TaskMetrics Metrics => metrics;

    public TaskOptions Options => options.Value;

    public IServiceProvider Services => services;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Stackl.Tasks");
}
