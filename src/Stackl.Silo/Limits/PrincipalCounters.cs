using System.Collections.Concurrent;

namespace Stackl.Silo.Limits;

/// <summary>How many of one kind of resource (open waits, streams, tasks in flight) each principal holds on this silo.</summary>
/// <remarks>A principal's counter is kept once created; there is one per key or token subject that used the API.</remarks>
internal sealed class PrincipalCounters
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>Takes one unit for <paramref name="principal"/> unless it already holds <paramref name="cap"/>.</summary>
    public bool TryTake(string principal, int cap)
    {
        var counter = _counters.GetOrAdd(principal, static _ => new Counter());
        while (true)
        {
            var held = Volatile.Read(ref counter.Value);
            if (held >= cap)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter.Value, held + 1, held) == held)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back one unit <see cref="TryTake"/> took.</summary>
    public void Release(string principal)
    {
        if (_counters.TryGetValue(principal, out var counter))
        {
            Interlocked.Decrement(ref counter.Value);
        }
    }

    /// <summary>The units <paramref name="principal"/> holds.</summary>
    public int Held(string principal) => _counters.TryGetValue(principal, out var counter) ? Volatile.Read(ref counter.Value) : 0;

    private sealed class Counter
    {
        public int Value;
    }
}
