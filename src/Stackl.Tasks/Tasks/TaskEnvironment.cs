using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stackl.Tasks.Diagnostics;
using Stackl.Tasks.Events;
using Stackl.Tasks.Handlers;

namespace Stackl.Tasks.Tasks;

/// <summary>The silo-wide services task grains and their executors share.</summary>
internal sealed class TaskEnvironment(
    HandlerRegistry handlers,
    FaultInjector faults,
    LockSignals lockSignals,
    TaskEventHub events,
    TaskMetrics metrics,
    IOptions<TaskOptions> options,
    IServiceProvider services,
    ILoggerFactory loggerFactory)
{
    public HandlerRegistry Handlers => handlers;

    public FaultInjector Faults => faults;

    public LockSignals LockSignals => lockSignals;

    public TaskEventHub Events => events;

    public TaskMetrics Metrics => metrics;

    public TaskOptions Options => options.Value;

    public IServiceProvider Services => services;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Stackl.Tasks");
}
