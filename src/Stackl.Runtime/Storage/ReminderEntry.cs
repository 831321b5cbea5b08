namespace Stackl.Runtime.Storage;

/// <summary>One durable reminder row: the grain, the reminder name, its next due time and its delivery state.</summary>
/// <param name="Grain">The grain that owns the reminder.</param>
/// <param name="Name">The reminder's name, unique per grain.</param>
/// <param name="DueAt">The next time it is due (UTC).</param>
/// <param name="Period">The period of a repeating reminder, or null for a one-shot reminder.</param>
/// <param name="Attempt">How many deliveries of this tick failed so far (0 for a fresh tick).</param>
/// <param name="Version">The row version; every change increases it and conditional updates compare it.</param>
public sealed record ReminderEntry(GrainId Grain, string Name, DateTimeOffset DueAt, TimeSpan? Period, int Attempt, long Version);
