using Stackl.Contracts;
namespace Stackl.Tasks.Security;

/// <summary>Who may call the silo and what each role may do. Bound from <c>Stackl:Auth</c>.</summary>
public sealed class StacklAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Auth";

    /// <summary>When credentials are required. Default: <see cref="AuthMode.Auto"/> (required off loopback and in cluster mode).</summary>
    public AuthMode Mode { get; set; } = AuthMode.Auto;

    /// <summary>Custom roles by name, beside the built-in <c>admin</c>, <c>operator</c>, <c>producer</c> and <c>reader</c>. Default: none.</summary>
    public Dictionary<string, RoleGrants> Roles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a silo trusts what it read of a key: a revoked key stops working on every silo within this. Default: 5 s.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The admin key to create on first start when no key exists (a secret from the deployment, e.g. a Kubernetes secret); when
    /// null the silo generates one and prints it once. Only its hash is stored. Default: null.
    /// </summary>
    public string? BootstrapKey { get; set; }

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (KeyCacheDuration < TimeSpan.Zero || KeyCacheDuration > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException($"Stackl:Auth:KeyCacheDuration is {KeyCacheDuration}; use 0 to 5 minutes (it bounds how long a revoked key keeps working).");
        }

        foreach (var (name, grants) in Roles)
        {
            if (BuiltInRoles.All.ContainsKey(name))
            {
                throw new InvalidOperationException($"Stackl:Auth:Roles:{name} redefines a built-in role; give the custom role another name.");
            }

            if (!ApiKeyFormat.IsValidName(name))
            {
                throw new InvalidOperationException($"Stackl:Auth:Roles:{name}: a role name has 1 to 64 letters, digits, '-', '_' or '.'.");
            }

            grants.Validate(name);
        }

        if (BootstrapKey is { } key && !ApiKeyFormat.TryParse(key, out _, out _))
        {
            throw new InvalidOperationException("Stackl:Auth:BootstrapKey is not a Stackl key; make one with 'stackl keys generate' (it looks like stk_<id>_<secret>).");
        }
    }
}
