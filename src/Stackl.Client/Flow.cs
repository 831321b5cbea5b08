using System.Text.Json;
using System.Text.Json.Nodes;
using Stackl.Contracts;

namespace Stackl.Client;

/// <summary>A flow (or one node of it) built in code: its JSON is exactly the payload a <c>flow/run</c> task takes.</summary>
/// <remarks>
/// Builders are immutable: every call returns a new node and leaves the one it was called on as it was, so a node can be
/// shared by several flows. The server validates the flow when it is submitted (names, handlers, requirements, cycles);
/// the builder only refuses what can never be valid (an empty name, a subflow without nodes, a store below the root).
/// </remarks>
public abstract class Flow
{
    /// <summary>The <c>topic</c> of a flow task.</summary>
    public const string Topic = "flow";

    /// <summary>The <c>subtype</c> of a flow task.</summary>
    public const string Subtype = "run";

    private readonly JsonObject _node;

    private protected Flow(JsonObject node) => _node = node;

    /// <summary>A step: one call of a handler.</summary>
    /// <param name="name">The step's name, unique in its flow (letters, digits, <c>_</c>, <c>.</c>, <c>-</c>).</param>
    /// <param name="handler">The handler it runs, <c>topic/subtype</c> (with <c>@version</c> when versioned).</param>
    public static FlowStep Step(string name, string handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        CheckHandler(handler, nameof(handler));
        return new FlowStep(new JsonObject { ["step"] = name, ["handler"] = handler });
    }

    /// <summary>Nodes that run one after another, each after the one before it completed (or was skipped).</summary>
    /// <param name="nodes">The steps and subflows, in order.</param>
    public static FlowLinear Linear(params Flow[] nodes) => new(Pattern("linear", nodes));

    /// <summary>Nodes that run side by side, in no particular order.</summary>
    /// <param name="nodes">The steps and subflows.</param>
    public static FlowUnordered Unordered(params Flow[] nodes) => new(Pattern("unordered", nodes));

    /// <summary>Nodes that run in the order their requirements and edges give: a node runs after every node it requires a value of.</summary>
    /// <param name="nodes">The steps and named subflows; <see cref="FlowGraph.Edge"/> orders them by name.</param>
    public static FlowGraph Graph(params Flow[] nodes) => new(Pattern("graph", nodes));

    /// <summary>The node's JSON, a copy the caller may change.</summary>
    public JsonObject ToJson() => (JsonObject)_node.DeepClone();

    /// <summary>The node's JSON as the payload of a <c>flow/run</c> task.</summary>
    public JsonElement ToPayload() => JsonSerializer.SerializeToElement(_node, ClientJsonContext.Default.JsonObject);

    /// <summary>A <c>flow/run</c> task running this flow.</summary>
    /// <param name="timeout">The time budget of the whole flow, retries and reverts included; the server's default when null.</param>
    /// <param name="idempotencyKey">A repeated submit with the same key returns the first flow.</param>
    public TaskSpec ToTaskSpec(TimeSpan? timeout = null, string? idempotencyKey = null) =>
        new(Topic, Subtype, ToPayload(), Timeout: timeout, IdempotencyKey: idempotencyKey);

    /// <summary>The node's JSON on one line.</summary>
    public override string ToString() => _node.ToJsonString();

    /// <summary>A copy of this node's JSON with one field set (or removed, for null).</summary>
    private protected JsonObject With(string field, JsonNode? value)
    {
        var copy = ToJson();
        if (value is null)
        {
            copy.Remove(field);
        }
        else
        {
            copy[field] = value;
        }

        return copy;
    }

    /// <summary>A copy of this node's JSON with strings appended to an array field (without repeats).</summary>
    private protected JsonObject Append(string field, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values, field);
        var copy = ToJson();
        var array = Array(copy, field);
        foreach (var value in values)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, field);
            if (!array.Any(v => v?.GetValue<string>() == value))
            {
                array.Add(value);
            }
        }

        return copy;
    }

    /// <summary>A copy of this node's JSON with one item appended to an array field.</summary>
    private protected JsonObject Append(string field, JsonNode item)
    {
        var copy = ToJson();
        Array(copy, field).Add(item);
        return copy;
    }

    /// <summary>A copy of this node's JSON with a condition on a provided value.</summary>
    private protected JsonObject Condition(string provided, string comparison, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provided);
        return With("when", new JsonObject { ["provided"] = provided, [comparison] = value?.DeepClone() });
    }

    /// <summary>A copy of this node's JSON with a value in the root's <c>store</c>.</summary>
    private protected JsonObject Stored(string name, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var copy = ToJson();
        if (copy["store"] is not JsonObject store)
        {
            store = [];
            copy["store"] = store;
        }

        store[name] = value?.DeepClone();
        return copy;
    }

    private static JsonArray Array(JsonObject node, string field)
    {
        if (node[field] is not JsonArray array)
        {
            array = [];
            node[field] = array;
        }

        return array;
    }

    /// <summary>Checks a <c>topic/subtype</c> handler name.</summary>
    private protected static void CheckHandler(string handler, string parameter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(handler, parameter);
        var slash = handler.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == handler.Length - 1)
        {
            throw new ArgumentException($"A handler is named \"topic/subtype\" (e.g. \"demo/provision\"), not '{handler}'.", parameter);
        }
    }

    private static JsonObject Pattern(string pattern, Flow[] nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Length == 0)
        {
            throw new ArgumentException($"A {pattern} needs at least one step or subflow.", nameof(nodes));
        }

        var children = new JsonArray();
        foreach (var node in nodes)
        {
            ArgumentNullException.ThrowIfNull(node, nameof(nodes));
            if (node._node.ContainsKey("store"))
            {
                throw new ArgumentException($"Only the root of a flow has a store; move the values of {node} to the outermost node.", nameof(nodes));
            }

            children.Add(node.ToJson());
        }

        return new JsonObject { [pattern] = children };
    }
}
