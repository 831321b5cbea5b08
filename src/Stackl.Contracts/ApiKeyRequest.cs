namespace Stackl.Contracts;

/// <summary>The body of <c>POST /api/keys</c>.</summary>
/// <param name="Name">A unique name: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, at most 64 characters; tasks submitted with the key carry it as their source.</param>
/// <param name="Role">A built-in role (<c>admin</c>, <c>operator</c>, <c>producer</c>, <c>reader</c>) or one configured under <c>Stackl:Auth:Roles</c>.</param>
public sealed record ApiKeyRequest(string Name, string Role);
