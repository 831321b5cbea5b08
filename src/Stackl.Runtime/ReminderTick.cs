namespace Stackl.Runtime;

/// <summary>One delivery of a reminder.</summary>
/// <param name="DueAt">When the tick was due.</param>
/// <param name="FiredAt">When it was delivered.</param>
/// <param name="Attempt">0 for the first delivery of this tick, then 1, 2... after failures.</param>
public sealed record ReminderTick(DateTimeOffset DueAt, DateTimeOffset FiredAt, int Attempt);
