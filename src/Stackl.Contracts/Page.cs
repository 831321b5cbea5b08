namespace Stackl.Contracts;

/// <summary>One page of a listing.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="Next">The cursor of the next page (pass it as <c>after</c>), or null on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
