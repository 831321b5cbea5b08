using System.Text.Json.Nodes;

namespace Stackl.Client;

/// <summary>A subflow whose nodes run in the order their requirements and explicit edges give.</summary>
public sealed class FlowGraph : FlowNode<FlowGraph>
{
    internal FlowGraph(JsonObject node)
        : base(node)
    {
    }

    /// <summary>Runs one node of the graph after another; a skipped <paramref name="from"/> skips <paramref name="to"/>.</summary>
    /// <param name="from">A step's name, or a named subflow's.</param>
    /// <param name="to">A step's name, or a named subflow's.</param>
    public FlowGraph Edge(string from, string to)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        return new(Append("edges", new JsonArray(from, to)));
    }

    /// <summary>Names the subflow, so an enclosing graph's edges can name it.</summary>
    /// <param name="name">The name (letters, digits, <c>_</c>, <c>.</c>, <c>-</c>).</param>
    public FlowGraph Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(With("name", name));
    }

    /// <summary>At most this many of its steps run at a time.</summary>
    /// <param name="limit">A positive number.</param>
    public FlowGraph MaxParallel(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return new(With("maxParallel", limit));
    }

    private protected override FlowGraph Create(JsonObject node) => new(node);
}
