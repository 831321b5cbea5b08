using Microsoft.Extensions.Options;

namespace Stackl.Tasks.Security;

/// <summary>The built-in and configured roles.</summary>
public sealed class RoleCatalog(IOptions<StacklAuthOptions> options)
{
    /// <summary>Every role's name, built-in first.</summary>
    public IEnumerable<string> Names => BuiltInRoles.All.Keys.Concat(options.Value.Roles.Keys.Order(StringComparer.Ordinal));

    /// <summary>The role's grants, or null when no role has this name.</summary>
    /// <param name="role">The role's name.</param>
    public RoleGrants? Find(string role) =>
        BuiltInRoles.All.TryGetValue(role, out var grants) || options.Value.Roles.TryGetValue(role, out grants) ? grants : null;
}
