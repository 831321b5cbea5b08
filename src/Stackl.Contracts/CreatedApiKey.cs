namespace Stackl.Contracts;

/// <summary>A key just created: its description and its secret, shown this once.</summary>
/// <param name="Key">The whole key to send as <c>Authorization: Bearer &lt;key&gt;</c>; only a salted hash of it is stored.</param>
/// <param name="Description">The key as listings show it.</param>
public sealed record CreatedApiKey(string Key, ApiKeyView Description);
