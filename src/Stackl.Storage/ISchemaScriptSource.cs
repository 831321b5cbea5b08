using System.Reflection;

namespace Stackl.Storage;

/// <summary>Supplies numbered schema scripts for an engine; the migrator applies all sources' scripts in name order.</summary>
public interface ISchemaScriptSource
{
    /// <summary>The scripts for <paramref name="dialect"/>: a unique, sortable name (e.g. <c>0001_runtime</c>) and the SQL.</summary>
    /// <param name="dialect">The engine.</param>
    IEnumerable<SchemaScript> GetScripts(StorageDialect dialect);
}

/// <summary>One schema script.</summary>
/// <param name="Name">A unique name that sorts in the order scripts must run, e.g. <c>0001_runtime</c>.</param>
/// <param name="Sql">The SQL, one or more statements.</param>
public sealed record SchemaScript(string Name, string Sql);

/// <summary>Reads scripts embedded in an assembly under <c>Migrations/Sqlite/*.sql</c> and <c>Migrations/Postgres/*.sql</c>.</summary>
/// <param name="assembly">The assembly holding the embedded scripts.</param>
public sealed class EmbeddedSchemaScripts(Assembly assembly) : ISchemaScriptSource
{
    /// <inheritdoc />
    public IEnumerable<SchemaScript> GetScripts(StorageDialect dialect)
    {
        var marker = $".Migrations.{dialect}.";
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.Contains(marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var fileName = resource[(resource.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^4];
            yield return new SchemaScript(fileName, reader.ReadToEnd());
        }
    }
}
