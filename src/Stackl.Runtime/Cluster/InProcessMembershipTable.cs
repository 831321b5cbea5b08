using System.Collections.Concurrent;

namespace Stackl.Runtime.Cluster;

/// <summary>A membership table that lives in the process: enough for one silo, or test silos in one process.</summary>
public sealed class InProcessMembershipTable : IMembershipTable
{
    private readonly ConcurrentDictionary<string, SiloEntry> _silos = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task RegisterAsync(SiloEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _silos[entry.SiloName] = entry;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UpdateStatusAsync(string siloName, SiloStatus status, CancellationToken cancellationToken = default)
    {
        _silos.AddOrUpdate(siloName, name => new SiloEntry(name, status, DateTimeOffset.MinValue), (_, old) => old with { Status = status });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SiloEntry>> ReadAllAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SiloEntry>>([.. _silos.Values.OrderBy(s => s.SiloName, StringComparer.Ordinal)]);
}
