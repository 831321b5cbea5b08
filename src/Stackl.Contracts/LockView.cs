namespace Stackl.Contracts;

/// <summary>A held document lock.</summary>
/// <param name="Key">The document key.</param>
/// <param name="Owner">The task holding it.</param>
/// <param name="LeaseUntil">When the lock expires if its task never releases it.</param>
public sealed record LockView(string Key, string Owner, DateTimeOffset? LeaseUntil);
