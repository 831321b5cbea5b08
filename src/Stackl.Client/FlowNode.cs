using System.Globalization;
using System.Text.Json.Nodes;
using Stackl.Contracts;

namespace Stackl.Client;

/// <summary>What every kind of flow node can carry: a condition, and (on the root) the values the flow starts with.</summary>
/// <typeparam name="TSelf">The node's own type, which every call returns.</typeparam>
public abstract class FlowNode<TSelf> : Flow
    where TSelf : FlowNode<TSelf>
{
    private protected FlowNode(JsonObject node)
        : base(node)
    {
    }

    /// <summary>Runs the node only when a provided value equals <paramref name="value"/>; else it (and all of it) is skipped.</summary>
    /// <param name="provided">The name of a value a step provides, or of the root's store.</param>
    /// <param name="value">The value to compare with (numbers by value, objects and arrays structurally).</param>
    public TSelf When(string provided, JsonNode? value) => Create(Condition(provided, "equals", value));

    /// <summary>Runs the node only when a provided value does not equal <paramref name="value"/>; else it is skipped.</summary>
    /// <param name="provided">The name of a value a step provides, or of the root's store.</param>
    /// <param name="value">The value to compare with.</param>
    public TSelf WhenNot(string provided, JsonNode? value) => Create(Condition(provided, "notEquals", value));

    /// <summary>Provides a value from the start, as if a step had provided it; only the root of a flow has a store.</summary>
    /// <param name="name">The value's name, as steps require it.</param>
    /// <param name="value">The value.</param>
    public TSelf Store(string name, JsonNode? value) => Create(Stored(name, value));

    /// <summary>
    /// A step: retries it when an attempt fails with a retryable error. A subflow: when one of its steps fails for good, reverts its
    /// completed steps and runs it again as a whole, before the failure reaches the flow.
    /// </summary>
    /// <param name="attempts">Attempts in all, the first included (1 to 100).</param>
    /// <param name="backoff">How the wait between attempts grows.</param>
    /// <param name="initial">The wait after the first failed attempt [server default: 200ms].</param>
    /// <param name="max">The longest wait [server default: 30s].</param>
    /// <param name="jitter">The fraction (0 to 1) by which each wait moves at random [server default: 0].</param>
    /// <param name="retryTimeouts">True to retry an attempt that overran the step's timeout too (steps only).</param>
    public TSelf Retry(int attempts, Backoff backoff = Backoff.Exponential, TimeSpan? initial = null, TimeSpan? max = null, double? jitter = null, bool retryTimeouts = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(attempts, 100);
        var retry = new JsonObject
        {
            ["attempts"] = attempts,
            ["backoff"] = backoff switch
            {
                Backoff.Exponential => "exponential",
                Backoff.Fixed => "fixed",
                Backoff.None => "none",
                _ => throw new ArgumentOutOfRangeException(nameof(backoff), backoff, "Use Backoff.Exponential, Backoff.Fixed or Backoff.None."),
            },
        };
        if (initial is { } first)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(first, TimeSpan.Zero, nameof(initial));
            retry["initial"] = Durations.Format(first);
        }

        if (max is { } longest)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(longest, TimeSpan.Zero, nameof(max));
            retry["max"] = Durations.Format(longest);
        }

        if (jitter is { } fraction)
        {
            if (fraction is < 0 or > 1 || double.IsNaN(fraction))
            {
                throw new ArgumentOutOfRangeException(nameof(jitter), fraction.ToString(CultureInfo.InvariantCulture), "The jitter is a fraction from 0 to 1.");
            }

            retry["jitter"] = fraction;
        }

        if (retryTimeouts)
        {
            retry["timeouts"] = true;
        }

        return Create(With("retry", retry));
    }

    /// <summary>A node of this type with the given JSON.</summary>
    private protected abstract TSelf Create(JsonObject node);
}
