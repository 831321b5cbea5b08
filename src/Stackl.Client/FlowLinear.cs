using System.Text.Json.Nodes;

namespace Stackl.Client;

/// <summary>A subflow whose nodes run one after another.</summary>
public sealed class FlowLinear : FlowNode<FlowLinear>
{
    internal FlowLinear(JsonObject node)
        : base(node)
    {
    }

    /// <summary>Names the subflow, so a graph's edges can name it.</summary>
    /// <param name="name">The name (letters, digits, <c>_</c>, <c>.</c>, <c>-</c>).</param>
    public FlowLinear Named(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(With("name", name));
    }

    private protected override FlowLinear Create(JsonObject node) => new(node);
}
