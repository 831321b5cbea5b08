using System.Text.Json.Nodes;

namespace Stackl.Client;

/// <summary>A subflow whose nodes run side by side.</summary>
public sealed class FlowUnordered : FlowNode<FlowUnordered>
{
    internal FlowUnordered(JsonObject node)
        : base(node)
    {
    }

    /// <summary>Names the subflow, so a graph's edges can name it.</summary>
    /// <param name="name">The name (letters, digits, <c>_</c>, <c>.</c>, <c>-</c>).</param>
    public FlowUnordered Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(With("name", name));
    }

    /// <summary>At most this many of its steps run at a time.</summary>
    /// <param name="limit">A positive number.</param>
    public FlowUnordered MaxParallel(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return new(With("maxParallel", limit));
    }

    private protected override FlowUnordered Create(JsonObject node) => new(node);
}
