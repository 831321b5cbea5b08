namespace Stackl.Tasks.Security;

/// <summary>What a role may do. Bound from <c>Stackl:Auth:Roles:&lt;name&gt;</c> for custom roles.</summary>
/// <remarks>
/// Patterns are exact, or a prefix when they end in <c>*</c>: <c>deploy/*</c> matches every subtype of topic <c>deploy</c>,
/// <c>account/*</c> every document key under <c>account/</c>, and <c>*</c> everything.
/// </remarks>
public sealed class RoleGrants
{
    /// <summary>The <c>topic/subtype</c> patterns the role may submit. Default: none.</summary>
    public List<string> Submit { get; set; } = [];

    /// <summary>The document key patterns the role may read. Default: none.</summary>
    public List<string> Read { get; set; } = [];

    /// <summary>The document key patterns the role's tasks may lock and change. Default: none.</summary>
    public List<string> Write { get; set; } = [];

    /// <summary>Which tasks the role may list, read and follow. Default: its own.</summary>
    public TaskScope Tasks { get; set; } = TaskScope.Own;

    /// <summary>Which tasks the role may cancel. Default: its own.</summary>
    public TaskScope Cancel { get; set; } = TaskScope.Own;

    /// <summary>Whether the role may submit <c>document/restore</c> (on keys it may write). Default: false.</summary>
    public bool Restore { get; set; }

    /// <summary>Whether the role may create, list and revoke keys. Default: false.</summary>
    public bool Admin { get; set; }

    /// <summary>True when <paramref name="value"/> matches one of <paramref name="patterns"/>.</summary>
    /// <param name="patterns">Exact values, or prefixes ending in <c>*</c>.</param>
    /// <param name="value">A <c>topic/subtype</c> or a document key.</param>
    public static bool Matches(IEnumerable<string> patterns, string value)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentNullException.ThrowIfNull(value);
        foreach (var pattern in patterns)
        {
            if (pattern.EndsWith('*') ? value.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal) : value == pattern)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when every value starting with <paramref name="prefix"/> matches one of <paramref name="patterns"/>.</summary>
    /// <param name="patterns">Exact values, or prefixes ending in <c>*</c>.</param>
    /// <param name="prefix">A key prefix, as a listing asks for.</param>
    public static bool CoversPrefix(IEnumerable<string> patterns, string prefix)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        return patterns.Any(p => p.EndsWith('*') && prefix.StartsWith(p.AsSpan(0, p.Length - 1), StringComparison.Ordinal));
    }

    /// <summary>Throws with a message naming the role and the bad pattern.</summary>
    /// <param name="role">The role's name.</param>
    public void Validate(string role)
    {
        foreach (var (field, patterns) in new[] { ("Submit", Submit), ("Read", Read), ("Write", Write) })
        {
            if (patterns.FirstOrDefault(p => string.IsNullOrWhiteSpace(p) || p.IndexOf('*', StringComparison.Ordinal) is var star && star >= 0 && star != p.Length - 1) is { } bad)
            {
                throw new InvalidOperationException($"Stackl:Auth:Roles:{role}:{field} has the pattern '{bad}'; a pattern is exact, or a prefix ending in a single trailing * (e.g. 'deploy/*', 'account/*', '*').");
            }
        }
    }
}
