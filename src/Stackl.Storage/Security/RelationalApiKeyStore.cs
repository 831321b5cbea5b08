using System.Data.Common;
using Stackl.Tasks.Security;

namespace Stackl.Storage.Security;

/// <summary>API keys in <c>stackl_api_keys</c>, shared by every silo of the database.</summary>
internal sealed class RelationalApiKeyStore(StorageEngine engine) : IApiKeyStore
{
    private const string Columns = "id, name, role, salt, hash, created_at, created_by, revoked_at";

    public async Task<bool> InsertAsync(ApiKeyRecord key, bool onlyIfNoneExists, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);

        // The name's unique constraint decides between silos creating the first key at once; ON CONFLICT makes the loser a no-op.
        var guard = onlyIfNoneExists ? "WHERE NOT EXISTS (SELECT 1 FROM stackl_api_keys)" : "WHERE 1 = 1";
        var inserted = await engine.WriteAsync(
            SqlStatement.Of(
                $"INSERT INTO stackl_api_keys ({Columns}) SELECT @id, @name, @role, @salt, @hash, @created, @createdBy, NULL {guard} ON CONFLICT DO NOTHING RETURNING id",
                ("id", key.Id),
                ("name", key.Name),
                ("role", key.Role),
                ("salt", key.Salt),
                ("hash", key.Hash),
                ("created", UnixMicros.From(key.Created)),
                ("createdBy", key.CreatedBy)),
            reader => reader.GetString(0),
            cancellationToken).ConfigureAwait(false);
        return inserted.Count == 1;
    }

    public async Task<ApiKeyRecord?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        var rows = await engine.QueryAsync(SqlStatement.Of($"SELECT {Columns} FROM stackl_api_keys WHERE id = @id", ("id", id)), Read, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        await engine.QueryAsync(SqlStatement.Of($"SELECT {Columns} FROM stackl_api_keys ORDER BY created_at, id"), Read, cancellationToken).ConfigureAwait(false);

    public async Task<ApiKeyRecord?> RevokeAsync(string idOrName, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var rows = await engine.WriteAsync(
            SqlStatement.Of(
                $"UPDATE stackl_api_keys SET revoked_at = COALESCE(revoked_at, @at) WHERE id = (SELECT id FROM stackl_api_keys WHERE id = @key OR name = @key ORDER BY CASE WHEN id = @key THEN 0 ELSE 1 END LIMIT 1) RETURNING {Columns}",
                ("at", UnixMicros.From(at)),
                ("key", idOrName)),
            Read,
            cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private static ApiKeyRecord Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        UnixMicros.To(reader.GetInt64(5)),
        reader.GetString(6),
        reader.IsDBNull(7) ? null : UnixMicros.To(reader.GetInt64(7)));
}
