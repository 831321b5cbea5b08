using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Stackl.Contracts;

namespace Stackl.Tasks.Security;

/// <summary>Creates, lists and revokes API keys, and turns a key a caller sent into its principal.</summary>
/// <remarks>
/// A silo trusts what it read of a key for <see cref="StacklAuthOptions.KeyCacheDuration"/>, so a request costs no database read
/// while a revocation on any silo reaches every other within that time. Unknown ids are not cached: a key created on one silo
/// works on the next request to any other.
/// </remarks>
public sealed class ApiKeyService(IApiKeyStore store, RoleCatalog roles, IOptions<StacklAuthOptions> options, TimeProvider time)
{
    /// <summary>The name of the admin key a silo creates on first start.</summary>
    public const string BootstrapName = "admin";

    /// <summary>The creator recorded for the first start's key.</summary>
    public const string BootstrapCreator = "bootstrap";

    private readonly ConcurrentDictionary<string, (ApiKeyRecord Record, long ReadAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>The principal of a valid key; null when the key is malformed, unknown, revoked or of a role that no longer exists.</summary>
    /// <param name="key">The key as the caller sent it.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<StacklPrincipal?> AuthenticateAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!ApiKeyFormat.TryParse(key, out var id, out var secret))
        {
            return null;
        }

        var record = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        return record is { Revoked: null } && ApiKeyFormat.Verify(record.Salt, record.Hash, secret) && roles.Find(record.Role) is { } grants
            ? new StacklPrincipal(record.Name, record.Role, grants)
            : null;
    }

    /// <summary>True while the key with this id exists, is not revoked and has a role that exists (a session opened with it stays valid).</summary>
    /// <param name="id">The key's public id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<bool> IsActiveAsync(string id, CancellationToken cancellationToken = default) =>
        await ReadAsync(id, cancellationToken).ConfigureAwait(false) is { Revoked: null } record && roles.Find(record.Role) is not null;

    /// <summary>Creates a key and returns it with its secret, which is not stored; null when a key with this name exists.</summary>
    /// <exception cref="TaskValidationException">The name or the role is invalid.</exception>
    /// <param name="name">The unique name.</param>
    /// <param name="role">The role's name.</param>
    /// <param name="createdBy">Who creates it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<CreatedApiKey?> CreateAsync(string name, string role, string createdBy, CancellationToken cancellationToken = default)
    {
        if (!ApiKeyFormat.IsValidName(name))
        {
            throw new TaskValidationException(ErrorCodes.InvalidRequest, $"name is '{name}'; a key's name has 1 to 64 letters, digits, '-', '_' or '.'.");
        }

        if (roles.Find(role) is null)
        {
            throw new TaskValidationException(ErrorCodes.InvalidRequest, $"role is '{role}'; the roles are {string.Join(", ", roles.Names)} (custom roles are configured under Stackl:Auth:Roles).");
        }

        var (id, key) = ApiKeyFormat.Generate();
        var record = NewRecord(id, key, name, role, createdBy);
        return await store.InsertAsync(record, onlyIfNoneExists: false, cancellationToken).ConfigureAwait(false) ? new CreatedApiKey(key, record.ToView()) : null;
    }

    /// <summary>Every key, revoked ones included, without secrets.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. (await store.ListAsync(cancellationToken).ConfigureAwait(false)).Select(k => k.ToView())];

    /// <summary>Revokes the key with this id or name; null when none has it. Every silo refuses it within the key cache duration.</summary>
    /// <param name="idOrName">The key's id or name.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<ApiKeyView?> RevokeAsync(string idOrName, CancellationToken cancellationToken = default)
    {
        var revoked = await store.RevokeAsync(idOrName, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (revoked is not null)
        {
            _cache.TryRemove(revoked.Id, out _);
        }

        return revoked?.ToView();
    }

    /// <summary>
    /// On a first start (no key in the database) stores the admin key: the configured <see cref="StacklAuthOptions.BootstrapKey"/>,
    /// else a new one. Returns the new key to print once; null when a key already existed or the configured key was used.
    /// </summary>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task<string?> EnsureAdminKeyAsync(CancellationToken cancellationToken = default)
    {
        var configured = options.Value.BootstrapKey;
        string id, key;
        if (configured is not null && ApiKeyFormat.TryParse(configured, out var configuredId, out _))
        {
            (id, key) = (configuredId, configured);
        }
        else
        {
            (id, key) = ApiKeyFormat.Generate();
        }

        var stored = await store.InsertAsync(NewRecord(id, key, BootstrapName, BuiltInRoles.Admin, BootstrapCreator), onlyIfNoneExists: true, cancellationToken).ConfigureAwait(false);
        return stored && configured is null ? key : null;
    }

    /// <summary>The key as this silo last read it, within the cache duration; unknown ids are read every time.</summary>
    private async Task<ApiKeyRecord?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(id, out var cached) && time.GetElapsedTime(cached.ReadAt) < options.Value.KeyCacheDuration)
        {
            return cached.Record;
        }

        var record = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            _cache.TryRemove(id, out _);
        }
        else
        {
            _cache[id] = (record, time.GetTimestamp());
        }

        return record;
    }

    private ApiKeyRecord NewRecord(string id, string key, string name, string role, string createdBy)
    {
        ApiKeyFormat.TryParse(key, out _, out var secret);
        var salt = ApiKeyFormat.NewSalt();
        return new ApiKeyRecord(id, name, role, salt, ApiKeyFormat.Hash(salt, secret), time.GetUtcNow(), createdBy, null);
    }
}
