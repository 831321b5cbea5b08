namespace Stackl.Contracts;

/// <summary>An API key as listed: everything but its secret, which the server never keeps.</summary>
/// <param name="Id">The key's public id (the part after <c>stk_</c> and before the next underscore).</param>
/// <param name="Name">The name given at creation, unique in the cluster.</param>
/// <param name="Role">The role whose grants the key carries.</param>
/// <param name="Created">When it was created.</param>
/// <param name="CreatedBy">The principal that created it (<c>bootstrap</c> for the key a silo made on first start).</param>
/// <param name="Revoked">When it was revoked, or null while it is valid.</param>
public sealed record ApiKeyView(string Id, string Name, string Role, DateTimeOffset Created, string CreatedBy, DateTimeOffset? Revoked);
