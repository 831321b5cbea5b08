using Stackl.Contracts;

namespace Stackl.Tasks.Security;

/// <summary>An API key as stored: its id, name, role, salt and hash; never its secret.</summary>
/// <param name="Id">The public id.</param>
/// <param name="Name">The unique name.</param>
/// <param name="Role">The role's name.</param>
/// <param name="Salt">The salt, hex.</param>
/// <param name="Hash">SHA-256 of the salt and the secret, hex.</param>
/// <param name="Created">When it was created.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="Revoked">When it was revoked, or null.</param>
public sealed record ApiKeyRecord(string Id, string Name, string Role, string Salt, string Hash, DateTimeOffset Created, string CreatedBy, DateTimeOffset? Revoked)
{
    /// <summary>The key as listings show it.</summary>
    public ApiKeyView ToView() => new(Id, Name, Role, Created, CreatedBy, Revoked);
}
