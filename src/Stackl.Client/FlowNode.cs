using System.Text.Json.Nodes;

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

    /// <summary>A node of this type with the given JSON.</summary>
    private protected abstract TSelf Create(JsonObject node);
}
