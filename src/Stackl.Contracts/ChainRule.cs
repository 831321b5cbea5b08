namespace Stackl.Contracts;

/// <summary>When a chain rule fires: a finished task of this topic (and subtype) ending in one of these statuses.</summary>
/// <param name="Topic">The finished task's topic.</param>
/// <param name="Subtype">Its subtype, or null for any.</param>
/// <param name="Status">The final statuses that fire the rule; <c>[Completed]</c> when null.</param>
public sealed record ChainTrigger(string Topic, string? Subtype = null, IReadOnlyList<TaskStatus>? Status = null);

/// <summary>A chain rule as clients write it: when a task finishes so, start this follow-up task.</summary>
/// <param name="When">Which finished tasks fire it.</param>
/// <param name="Then">The follow-up task; its payload (an object) gets a <c>parent</c> field: the finished task's id, topic, subtype, status, result and the chain's correlation id.</param>
public sealed record ChainRuleSpec(ChainTrigger When, TaskSpec Then);

/// <summary>A chain rule as clients see it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="When">Which finished tasks fire it.</param>
/// <param name="Then">The follow-up task.</param>
/// <param name="Created">When it was written.</param>
public sealed record ChainRuleView(string Name, ChainTrigger When, TaskSpec Then, DateTimeOffset Created);
