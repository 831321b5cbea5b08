using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>A principal's grants as the API shows them (<c>/api/whoami</c>, <c>/auth/session</c>).</summary>
internal static class GrantsView
{
    /// <summary>The grants as a JSON-ready object.</summary>
    public static object Of(StacklPrincipal caller) => new
    {
        submit = caller.Grants.Submit,
        read = caller.Grants.Read,
        write = caller.Grants.Write,
        tasks = caller.Grants.Tasks.ToString(),
        cancel = caller.Grants.Cancel.ToString(),
        restore = caller.Grants.Restore,
        admin = caller.Grants.Admin,
    };
}
