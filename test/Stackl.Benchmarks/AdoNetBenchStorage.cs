using Npgsql;

namespace Stackl.Benchmarks;

/// <summary>
/// Orleans' own ADO.NET grain storage (Microsoft.Orleans.Persistence.AdoNet) on PostgreSQL, for figure (c'): the package ships no
/// schema, so the benchmark creates a table and the three <c>OrleansQuery</c> statements the provider looks up at start.
/// </summary>
/// <remarks>
/// The statements are the benchmark's, written to the provider's contract (Orleans 10.4.2), not Orleans' published script: one row per
/// (service, grain type, grain id) under a primary key, the version as the ETag, one statement per operation. The provider passes
/// <c>@ServiceId</c>, <c>@GrainTypeString</c>, <c>@GrainIdN0</c>, <c>@GrainIdN1</c>, <c>@GrainIdExtensionString</c> (null for keys
/// without one), the hashes <c>@GrainIdHash</c> and <c>@GrainTypeHash</c>, <c>@GrainStateVersion</c> (the ETag as an integer, null
/// before the first write) and, to writes, <c>@PayloadBinary</c>. A read returns no row or one row with <c>PayloadBinary</c> and
/// <c>Version</c>; a write returns one row whose <c>NewGrainStateVersion</c> is the new version, or null when the expected version
/// did not match (the provider then throws InconsistentStateException); a clear returns the new version in its first column, null on
/// a mismatch.
/// </remarks>
public static class AdoNetBenchStorage
{
    /// <summary>The ADO.NET invariant under which Orleans loads Npgsql.</summary>
    private const string NpgsqlInvariant = "Npgsql";

    private const string Match = """
        service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_n0 = @GrainIdN0 AND grain_n1 = @GrainIdN1
            AND grain_key = coalesce(@GrainIdExtensionString::text, '')
        """;

    private static readonly string s_schema = $$"""
        CREATE TABLE IF NOT EXISTS bench_grain_state (
            service_id      text    COLLATE "C" NOT NULL,
            grain_type      text    COLLATE "C" NOT NULL,
            grain_n0        bigint  NOT NULL,
            grain_n1        bigint  NOT NULL,
            grain_key       text    COLLATE "C" NOT NULL,
            grain_id_hash   integer NOT NULL,
            grain_type_hash integer NOT NULL,
            payload         bytea,
            version         integer NOT NULL,
            PRIMARY KEY (service_id, grain_type, grain_n0, grain_n1, grain_key)
        );

        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey  varchar(64) NOT NULL PRIMARY KEY,
            QueryText text        NOT NULL
        );

        INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
        ('ReadFromStorageKey', $sql$
        SELECT payload AS "PayloadBinary", version AS "Version"
        FROM bench_grain_state
        WHERE {{Match}}
        $sql$),
        ('WriteToStorageKey', $sql$
        WITH updated AS (
            UPDATE bench_grain_state SET payload = @PayloadBinary, version = version + 1
            WHERE {{Match}} AND version = @GrainStateVersion::integer
            RETURNING version
        ), inserted AS (
            INSERT INTO bench_grain_state (service_id, grain_type, grain_n0, grain_n1, grain_key, grain_id_hash, grain_type_hash, payload, version)
            SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString::text, ''), @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
            WHERE @GrainStateVersion::integer IS NULL
            ON CONFLICT DO NOTHING
            RETURNING version
        )
        SELECT (SELECT version FROM updated UNION ALL SELECT version FROM inserted LIMIT 1) AS "NewGrainStateVersion"
        $sql$),
        ('ClearStorageKey', $sql$
        WITH cleared AS (
            UPDATE bench_grain_state SET payload = NULL, version = version + 1
            WHERE {{Match}} AND version = @GrainStateVersion::integer
            RETURNING version
        )
        SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion"
        $sql$)
        ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
        """;

    /// <summary>Creates the table and the provider's statements; run it before the silo starts (the provider reads the statements at start).</summary>
    /// <param name="connectionString">The database the provider will use.</param>
    public static async Task CreateSchemaAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(s_schema, connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>Makes Orleans' ADO.NET grain storage the silo's default grain storage.</summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="connectionString">The database <see cref="CreateSchemaAsync"/> prepared.</param>
    public static void Use(ISiloBuilder silo, string connectionString) =>
        silo.AddAdoNetGrainStorageAsDefault(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });
}
