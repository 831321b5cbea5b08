namespace Stackl.Runtime.Hosting;

/// <summary>Options of one silo. Bound from the <c>Stackl:Silo</c> configuration section.</summary>
public sealed class SiloOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Stackl:Silo";

    /// <summary>The silo's name in the membership table. Default: the machine name and process id.</summary>
    public string SiloName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>How long a grain call may take before the caller gets a <see cref="GrainCallTimeoutException"/>. Default: 30 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An activation idle for this long is deactivated. Default: 15 min.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the idle collector looks. Default: 1 min (at most a quarter of <see cref="CollectionAge"/>).</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the reminder service reads due reminders from the store. Default: 2 s.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The first retry delay of a reminder whose delivery failed; it doubles per attempt. Default: 1 s.</summary>
    public TimeSpan ReminderRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay of a failing reminder. Default: 1 min.</summary>
    public TimeSpan ReminderMaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a graceful stop waits for turns in flight. Default: 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws with a message naming the option and the fix when a value is out of range.</summary>
    public void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"Stackl:Silo:{name} must be positive (it is {value}); set it to a duration such as 00:00:30.");
            }
        }

        Positive(CallTimeout, nameof(CallTimeout));
        Positive(CollectionAge, nameof(CollectionAge));
        Positive(CollectionQuantum, nameof(CollectionQuantum));
        Positive(ReminderPollInterval, nameof(ReminderPollInterval));
        Positive(ReminderRetryDelay, nameof(ReminderRetryDelay));
        Positive(ReminderMaxRetryDelay, nameof(ReminderMaxRetryDelay));
        Positive(ShutdownTimeout, nameof(ShutdownTimeout));
        if (string.IsNullOrWhiteSpace(SiloName))
        {
            throw new InvalidOperationException("Stackl:Silo:SiloName must not be empty; leave it unset to use the machine name and process id.");
        }
    }
}
