namespace Stackl.Runtime;

/// <summary>Implemented by grains that register durable reminders.</summary>
public interface IRemindable : IGrain
{
    /// <summary>Delivers one reminder tick as a turn.</summary>
    /// <remarks>At least once: a tick whose delivery throws is retried with backoff, and a tick may be delivered again after a crash.</remarks>
    /// <param name="reminderName">The reminder's name.</param>
    /// <param name="tick">When it was due and which attempt this is.</param>
    Task ReceiveReminderAsync(string reminderName, ReminderTick tick);
}
