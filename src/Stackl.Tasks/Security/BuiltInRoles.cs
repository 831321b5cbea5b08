namespace Stackl.Tasks.Security;

/// <summary>The roles every silo knows.</summary>
public static class BuiltInRoles
{
    /// <summary>Everything, keys included.</summary>
    public const string Admin = "admin";

    /// <summary>Everything on tasks and documents (submit, cancel any task, restore), but not keys.</summary>
    public const string Operator = "operator";

    /// <summary>Submits any task on any document, reads documents, and sees and cancels its own tasks only.</summary>
    public const string Producer = "producer";

    /// <summary>Reads every task and document; changes nothing.</summary>
    public const string Reader = "reader";

    /// <summary>The built-in roles by name.</summary>
    public static IReadOnlyDictionary<string, RoleGrants> All { get; } = new Dictionary<string, RoleGrants>(StringComparer.Ordinal)
    {
        [Admin] = new() { Submit = ["*"], Read = ["*"], Write = ["*"], Tasks = TaskScope.All, Cancel = TaskScope.All, Restore = true, Admin = true },
        [Operator] = new() { Submit = ["*"], Read = ["*"], Write = ["*"], Tasks = TaskScope.All, Cancel = TaskScope.All, Restore = true },
        [Producer] = new() { Submit = ["*"], Read = ["*"], Write = ["*"], Tasks = TaskScope.Own, Cancel = TaskScope.Own },
        [Reader] = new() { Read = ["*"], Tasks = TaskScope.All, Cancel = TaskScope.None },
    };
}
