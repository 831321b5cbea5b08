namespace Stackl.Tasks.Security;

/// <summary>The cluster's API keys, in the database every silo shares.</summary>
public interface IApiKeyStore
{
    /// <summary>Stores a new key; false when a key with its name exists (or, with <paramref name="onlyIfNoneExists"/>, when any key does).</summary>
    /// <param name="key">The key.</param>
    /// <param name="onlyIfNoneExists">Store it only into an empty table: the first start's admin key, made once however many silos start together.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task<bool> InsertAsync(ApiKeyRecord key, bool onlyIfNoneExists, CancellationToken cancellationToken = default);

    /// <summary>The key with this id, or null.</summary>
    /// <param name="id">The key's public id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every key, revoked ones included, in creation order.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks the key with this id or name revoked (a revoked key stays revoked) and returns it; null when none has it.</summary>
    /// <param name="idOrName">The key's id or name.</param>
    /// <param name="at">The time of revocation.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task<ApiKeyRecord?> RevokeAsync(string idOrName, DateTimeOffset at, CancellationToken cancellationToken = default);
}
