using System.Collections.Concurrent;

namespace Stackl.Samples.DnsHandler;

/// <summary>Stands in for an external system the handler changes (a DNS server's API): a side effect outside Stackl's documents.</summary>
public sealed class DnsRegistry
{
    private readonly ConcurrentDictionary<string, string> _records = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The records now, host name to address.</summary>
    public IReadOnlyDictionary<string, string> Records => _records;

    /// <summary>Adds or replaces a record.</summary>
    /// <param name="host">The host name.</param>
    /// <param name="address">The address.</param>
    public void Register(string host, string address) => _records[host] = address;

    /// <summary>Removes a record; removing a missing one does nothing, so a revert can run twice.</summary>
    /// <param name="host">The host name.</param>
    public void Unregister(string host) => _records.TryRemove(host, out _);
}
