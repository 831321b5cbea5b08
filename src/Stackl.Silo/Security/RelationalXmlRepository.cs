using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Stackl.Storage;

namespace Stackl.Silo.Security;

/// <summary>The data-protection key ring in <c>stackl_data_protection_keys</c>, shared by every silo of the database.</summary>
/// <remarks>
/// Elements are stored as the key manager hands them over (unencrypted unless it was given an encryptor) and never deleted.
/// A second element under a name already stored is dropped: names are the key manager's (<c>key-&lt;guid&gt;</c>), unique per key.
/// </remarks>
internal sealed class RelationalXmlRepository(StorageEngine engine, TimeProvider time) : IXmlRepository
{
    // IXmlRepository is synchronous, so both methods block on the engine's async calls. That is acceptable here: the key manager
    // calls them only when it (re)loads the key ring (first use, then about once a day) and when it creates or revokes a key (every
    // 90 days by default), never per request; the engine never needs the blocked thread back (ConfigureAwait(false) throughout,
    // and ASP.NET Core has no synchronization context).

    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var rows = engine.QueryAsync(
            SqlStatement.Of("SELECT xml FROM stackl_data_protection_keys ORDER BY created_at, name"),
            reader => reader.GetString(0)).GetAwaiter().GetResult();
        return [.. rows.Select(XElement.Parse)];
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);

        // Silos that create the same element at once (the same name) store it once: the primary key decides, the loser is a no-op.
        var name = string.IsNullOrWhiteSpace(friendlyName) ? $"element-{Guid.NewGuid():N}" : friendlyName;
        engine.WriteAsync(
            SqlStatement.Of(
                "INSERT INTO stackl_data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @created) ON CONFLICT DO NOTHING RETURNING name",
                ("name", name),
                ("xml", element.ToString(SaveOptions.DisableFormatting)),
                ("created", (time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10)),
            reader => reader.GetString(0)).GetAwaiter().GetResult();
    }
}
