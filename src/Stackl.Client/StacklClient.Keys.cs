using Stackl.Contracts;

namespace Stackl.Client;

public sealed partial class StacklClient
{
    /// <summary>Creates an API key for a role (needs the <c>admin</c> grant); the answer holds the key, which the server does not keep.</summary>
    /// <param name="name">A unique name; tasks submitted with the key carry it as their source.</param>
    /// <param name="role">A built-in role (<c>admin</c>, <c>operator</c>, <c>producer</c>, <c>reader</c>) or a configured one.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<CreatedApiKey> CreateKeyAsync(string name, string role, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, Url("api/keys"), Json(new ApiKeyRequest(name, role), ContractsJsonContext.Default.ApiKeyRequest), ContractsJsonContext.Default.CreatedApiKey, cancellationToken);

    /// <summary>Lists the API keys, revoked ones included (needs the <c>admin</c> grant); secrets are never listed.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<IReadOnlyList<ApiKeyView>> ListKeysAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Url("api/keys"), content: null, ContractsJsonContext.Default.IReadOnlyListApiKeyView, cancellationToken);

    /// <summary>Revokes an API key by id or name (needs the <c>admin</c> grant); every silo refuses it within seconds.</summary>
    /// <param name="idOrName">The key's id or name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ApiKeyView> RevokeKeyAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrName);
        return SendAsync(HttpMethod.Delete, Url($"api/keys/{Escape(idOrName)}"), content: null, ContractsJsonContext.Default.ApiKeyView, cancellationToken);
    }
}
