namespace Stackl.Tasks;

/// <summary>Options of the task domain. Bound from <c>Stackl:Tasks</c>.</summary>
public sealed class TaskOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Tasks";

    /// <summary>The timeout of a task that names none. Default: 30 s.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest timeout a task may ask for. Default: 1 h.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long after its deadline a task's locks stay held so a decided commit can finish. Default: 5 s.</summary>
    public TimeSpan CommitGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a non-final task past its deadline is driven again (the deadline reminder's period). Default: 2 s.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a stopping silo lets the tasks it runs finish before it hands them over (recovered elsewhere). Zero: hand over at once. Default: 15 s; keep it below the host's shutdown timeout.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The most documents one task may lock. Default: 100.</summary>
    public int MaxDocumentsPerTask { get; set; } = 100;

    /// <summary>The most steps of one flow that run at once (an <c>unordered</c> or <c>graph</c> may set a lower <c>maxParallel</c>).</summary>
    public int MaxParallelSteps { get; set; } = 16;

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (DefaultTimeout <= TimeSpan.Zero || MaxTimeout < DefaultTimeout)
        {
            throw new InvalidOperationException($"Stackl:Tasks:DefaultTimeout ({DefaultTimeout}) must be positive and at most Stackl:Tasks:MaxTimeout ({MaxTimeout}).");
        }

        if (DrainTimeout < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Stackl:Tasks:DrainTimeout ({DrainTimeout}) must not be negative.");
        }

        if (CommitGrace <= TimeSpan.Zero || RecoveryInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Stackl:Tasks:CommitGrace and Stackl:Tasks:RecoveryInterval must be positive durations.");
        }

        if (MaxParallelSteps < 1)
        {
            throw new InvalidOperationException($"Stackl:Tasks:MaxParallelSteps must be at least 1 (it is {MaxParallelSteps}).");
        }

        if (MaxDocumentsPerTask < 1)
        {
            throw new InvalidOperationException($"Stackl:Tasks:MaxDocumentsPerTask must be at least 1 (it is {MaxDocumentsPerTask}).");
        }
    }
}
