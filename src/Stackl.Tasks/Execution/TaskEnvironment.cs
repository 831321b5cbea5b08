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

    /// <summary>This silo incarnation's address (Orleans' parsable form), recorded on the tasks it runs for the deadline sweep.</summary>
    public string SiloAddress { get; } = siloDetails.SiloAddress.ToParsableString();

    public TimeProvider TimeProvider => timeProvider;

    // Tasks whose activation left this silo unfinished while the silo lives; the deadline sweep wakes them.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _leftUnfinished = new(StringComparer.Ordinal);

    /// <summary>Notes a task whose activation left memory unfinished, for the deadline sweep to wake.</summary>
    public void LeftUnfinished(string taskId) => _leftUnfinished.TryAdd(taskId, 0);

    /// <summary>Takes the tasks noted by <see cref="LeftUnfinished"/> since the last call.</summary>
    public IReadOnlyList<string> TakeLeftUnfinished()
    {
        var taken = new List<string>();
        foreach (var taskId in _leftUnfinished.Keys)
        {
            if (_leftUnfinished.TryRemove(taskId, out _))
            {
                taken.Add(taskId);
            }
        }

        return taken;
    }

    /// <summary>Cancelled when a stopping silo's drain ends: executors end, and another silo's deadline sweep (or the next start's) picks their tasks up.</summary>
    public CancellationToken SiloStopping => drain.HandOver;

    public TaskDrain Drain => drain;

    public HandlerRegistry Handlers => handlers;

    public FaultInjector Faults => faults;

    public LockSignals LockSignals => lockSignals;

    public TaskEventHub Events => events;

    public TaskMetrics Metrics => metrics;

    public TaskOptions Options => options.Value;

    public IServiceProvider Services => services;

    /// <summary>The chain rules this silo fires (resolved at first use: they start tasks through the task service).</summary>
    public Chains.ChainRules Chains => _chains ??= Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Chains.ChainRules>(services);

    private Chains.ChainRules? _chains;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Stackl.Tasks");
}
