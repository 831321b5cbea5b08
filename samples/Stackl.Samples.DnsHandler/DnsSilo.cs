using Microsoft.Extensions.DependencyInjection;
using Stackl.Storage;
using Stackl.Tasks;

namespace Stackl.Samples.DnsHandler;

/// <summary>How a silo of your own takes Stackl and the DNS handler.</summary>
public static class DnsSilo
{
    /// <summary>Adds Stackl on a SQLite file, the DNS handler, its revert action and the registry they share.</summary>
    /// <param name="silo">Your silo builder.</param>
    /// <param name="sqlitePath">The SQLite file.</param>
    public static ISiloBuilder AddDnsSample(this ISiloBuilder silo, string sqlitePath)
    {
        ArgumentNullException.ThrowIfNull(silo);

        // README:begin silo
        silo.Services.AddSingleton<DnsRegistry>();
        silo.UseStacklSqlite(o => o.DataSource = sqlitePath)
            .AddStackl(o => o.DefaultTimeout = TimeSpan.FromSeconds(10))
            .AddTaskHandler<RegisterHostHandler>()
            .AddTaskRevertHandler<UnregisterHostRevert>();
        // README:end silo
        return silo;
    }
}
