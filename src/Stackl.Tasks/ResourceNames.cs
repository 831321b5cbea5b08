using System.Text.RegularExpressions;

namespace Stackl.Tasks;

/// <summary>The names of schedules and chain rules: 1 to 100 letters, digits, '_', '.' or '-', starting with a letter or digit.</summary>
internal static partial class ResourceNames
{
    /// <summary>The rule, for error messages.</summary>
    public const string Rule = "1 to 100 letters, digits, '_', '.' or '-', starting with a letter or digit";

    /// <summary>True when <paramref name="name"/> is a valid name.</summary>
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
    private static partial Regex Pattern();
}
