using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stackl.Contracts;

namespace Stackl.Client;

/// <summary>A step of a flow: one call of a handler with its input, what it requires and provides, its retries and its revert.</summary>
public sealed class FlowStep : FlowNode<FlowStep>
{
    internal FlowStep(JsonObject node)
        : base(node)
    {
    }

    /// <summary>The handler's constant input; each value the step requires is added to it as a field of that name.</summary>
    /// <param name="input">The input (copied).</param>
    public FlowStep Input(JsonObject input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new(With("input", input.DeepClone()));
    }

    /// <summary>The handler's constant input, from JSON already parsed.</summary>
    /// <param name="input">The input; an object when the step requires values.</param>
    public FlowStep Input(JsonElement input) => new(With("input", JsonNode.Parse(input.GetRawText())));

    /// <summary>Values provided by steps before it (or by the root's store) that the step needs; it runs after their providers.</summary>
    /// <param name="provided">The values' names, added to those already required.</param>
    public FlowStep Requires(params string[] provided) => new(Append("requires", provided));

    /// <summary>Names the step's result, so later steps can require it.</summary>
    /// <param name="name">The name; one step provides it.</param>
    public FlowStep Provides(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(With("provides", name));
    }

    /// <summary>Documents the step locks and may write (the flow locks every step's documents for its whole run).</summary>
    /// <param name="keys">Document keys <c>type/name</c>, added to those already declared.</param>
    public FlowStep Documents(params string[] keys) => new(Append("documents", keys));

    /// <summary>The time budget of one attempt.</summary>
    /// <param name="timeout">A positive duration (whole milliseconds).</param>
    public FlowStep Timeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return new(With("timeout", Durations.Format(timeout)));
    }

    /// <summary>The handler that undoes the step when the flow rolls back after it completed; it gets <c>{handler, step, input, result}</c>.</summary>
    /// <param name="handler">The revert handler, <c>topic/subtype</c>; it must be idempotent.</param>
    public FlowStep Revert(string handler)
    {
        CheckHandler(handler, nameof(handler));
        return new(With("revert", handler));
    }

    private protected override FlowStep Create(JsonObject node) => new(node);
}
