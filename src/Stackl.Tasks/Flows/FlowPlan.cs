using System.Text.Json;
using System.Text.RegularExpressions;
using Stackl.Contracts;
using Stackl.Tasks.Handlers;

namespace Stackl.Tasks.Flows;

/// <summary>A condition on a provided value: the step (or the subflow it belongs to) runs only when it holds, else it is skipped.</summary>
/// <param name="Provided">The provided value's name.</param>
/// <param name="Expected">The value to compare with.</param>
/// <param name="Negated">True for <c>notEquals</c>.</param>
internal sealed record FlowCondition(string Provided, JsonElement Expected, bool Negated)
{
    public bool Holds(IReadOnlyDictionary<string, JsonElement> provided) =>
        provided.TryGetValue(Provided, out var value) && JsonElement.DeepEquals(value, Expected) != Negated;
}

/// <summary>One step of a validated flow.</summary>
internal sealed class FlowStepPlan
{
    public required int Index { get; init; }

    public required string Name { get; init; }

    public required string Handler { get; init; }

    public required string Topic { get; init; }

    public required string Subtype { get; init; }

    public required string Path { get; init; }

    /// <summary>The step's constant input (null: none).</summary>
    public JsonElement? Input { get; init; }

    public required IReadOnlyList<string> Requires { get; init; }

    public string? Provides { get; init; }

    /// <summary>The documents the step declared, or its handler found in its constant input.</summary>
    public required IReadOnlyList<string> Documents { get; init; }

    public TimeSpan? Timeout { get; init; }

    public required RetryPolicy Retry { get; init; }

    public string? Revert { get; init; }

    public required IReadOnlyList<FlowCondition> Conditions { get; init; }

    /// <summary>The steps that must be completed or skipped before this one starts.</summary>
    public List<int> After { get; } = [];

    /// <summary>The steps whose skip skips this one (graph edges and providers of what it requires).</summary>
    public List<int> SkipWith { get; } = [];

    /// <summary>The <c>maxParallel</c> groups it counts against.</summary>
    public required IReadOnlyList<int> Groups { get; init; }

    /// <summary>The subflows with a retry policy it belongs to, outermost first.</summary>
    public required IReadOnlyList<int> Scopes { get; init; }
}

/// <summary>A subflow with a retry policy: when one of its steps fails, its completed steps are reverted and it runs again as a whole.</summary>
/// <param name="Index">Its place in <see cref="FlowPlan.Scopes"/>.</param>
/// <param name="Name">Its name, or its path when it has none.</param>
/// <param name="Retry">Its retry policy.</param>
/// <param name="Steps">Its steps.</param>
internal sealed record FlowScopePlan(int Index, string Name, RetryPolicy Retry, List<int> Steps);

/// <summary>A flow's step graph, validated: every requirement has a provider that runs before it, no cycle, every handler registered.</summary>
/// <remarks>
/// Patterns nest: <c>linear</c> runs its children in order, <c>unordered</c> side by side (bounded by <c>maxParallel</c>), <c>graph</c> in
/// the order its children's requires/provides and explicit <c>edges</c> give. All compile to one graph of steps; the flow stores its
/// payload, so it runs by the graph it started with.
/// </remarks>
internal sealed partial class FlowPlan
{
    /// <summary>The most steps one flow may have.</summary>
    public const int MaxSteps = 200;

    private static readonly string[] s_patterns = ["step", "linear", "unordered", "graph"];

    private FlowPlan(List<FlowStepPlan> steps, List<int> groupLimits, Dictionary<string, JsonElement> store, IReadOnlyList<string> documents, List<FlowScopePlan> scopes)
    {
        Scopes = scopes;
        Steps = steps;
        GroupLimits = groupLimits;
        Store = store;
        Documents = documents;
        ByName = steps.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<FlowStepPlan> Steps { get; }

    /// <summary>The subflows that retry as a whole.</summary>
    public IReadOnlyList<FlowScopePlan> Scopes { get; }

    public IReadOnlyDictionary<string, FlowStepPlan> ByName { get; }

    /// <summary>The <c>maxParallel</c> of each group.</summary>
    public IReadOnlyList<int> GroupLimits { get; }

    /// <summary>The values the flow provides from the start (its <c>store</c>).</summary>
    public IReadOnlyDictionary<string, JsonElement> Store { get; }

    /// <summary>Every document a step declared, sorted: the flow locks them all.</summary>
    public IReadOnlyList<string> Documents { get; }

    /// <summary>Validates a flow payload and compiles its step graph.</summary>
    /// <exception cref="TaskValidationException">The flow is invalid; the message names the step or the field.</exception>
    public static FlowPlan Parse(JsonElement payload, HandlerRegistry handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The payload of a flow must be a JSON object with one of linear, unordered, graph or step (and optionally store).");
        }

        var builder = new Builder(handlers);
        var store = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (payload.TryGetProperty("store", out var storeValue))
        {
            if (storeValue.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("flow.store must be an object of named values the steps may require.");
            }

            foreach (var value in storeValue.EnumerateObject())
            {
                store[value.Name] = value.Value.Clone();
            }
        }

        builder.Node(payload, "flow", [], [], root: true);
        return builder.Finish(store);
    }

    private static TaskValidationException Invalid(string message) => new(ErrorCodes.InvalidFlow, message);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex NamePattern();

    private sealed record Span(List<int> Steps, List<int> Entries, List<int> Exits, string? Name);

    private sealed class Builder(HandlerRegistry handlers)
    {
        private readonly List<FlowStepPlan> _steps = [];
        private readonly List<int> _groupLimits = [];
        private readonly Dictionary<string, int> _providers = new(StringComparer.Ordinal);
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly HashSet<(int From, int To, bool Branch)> _edges = [];
        private readonly List<FlowScopePlan> _scopes = [];
        private readonly List<int> _openScopes = [];

        public Span Node(JsonElement node, string path, IReadOnlyList<FlowCondition> conditions, IReadOnlyList<int> groups, bool root = false)
        {
            if (node.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"{path} must be an object with one of step, linear, unordered or graph.");
            }

            var patterns = s_patterns.Where(p => node.TryGetProperty(p, out _)).ToList();
            if (patterns.Count != 1)
            {
                throw Invalid($"{path} must have exactly one of step, linear, unordered or graph (it has {(patterns.Count == 0 ? "none" : string.Join(", ", patterns))}).");
            }

            var pattern = patterns[0];
            string[] allowed = pattern == "step"
                ? ["step", "handler", "input", "requires", "provides", "documents", "timeout", "retry", "revert", "when", .. root ? ["store"] : Array.Empty<string>()]
                : [pattern, "name", "when", "maxParallel", "retry", .. pattern == "graph" ? ["edges"] : Array.Empty<string>(), .. root ? ["store"] : Array.Empty<string>()];
            if (node.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => !allowed.Contains(name, StringComparer.Ordinal)) is { } unknown)
            {
                throw Invalid($"{path} has an unknown field '{unknown}'; a {pattern} takes {string.Join(", ", allowed)}.");
            }

            var inherited = conditions;
            if (node.TryGetProperty("when", out var when))
            {
                inherited = [.. conditions, Condition(when, path)];
            }

            if (pattern == "step")
            {
                return Step(node, path, inherited, groups);
            }

            var name = OptionalString(node, "name", path);
            if (name is not null)
            {
                CheckName(name, $"{path}.name");
            }

            FlowScopePlan? scope = null;
            if (node.TryGetProperty("retry", out var retry))
            {
                scope = new FlowScopePlan(_scopes.Count, name ?? path, RetryPolicy.Parse(retry, $"subflow '{name ?? path}'"), []);
                _scopes.Add(scope);
                _openScopes.Add(scope.Index);
            }

            var children = node.GetProperty(pattern);
            if (children.ValueKind != JsonValueKind.Array || children.GetArrayLength() == 0)
            {
                throw Invalid($"{path}.{pattern} must be a non-empty array of steps and subflows.");
            }

            var childGroups = groups;
            if (node.TryGetProperty("maxParallel", out var maxParallel))
            {
                if (pattern == "linear" || !maxParallel.TryGetInt32(out var limit) || limit < 1)
                {
                    throw Invalid($"{path}.maxParallel must be a positive integer, on an unordered or graph subflow.");
                }

                _groupLimits.Add(limit);
                childGroups = [.. groups, _groupLimits.Count - 1];
            }

            var spans = new List<Span>();
            var i = 0;
            foreach (var child in children.EnumerateArray())
            {
                spans.Add(Node(child, $"{path}.{pattern}[{i++}]", inherited, childGroups));
            }

            var all = spans.SelectMany(s => s.Steps).ToList();
            if (scope is not null)
            {
                scope.Steps.AddRange(all);
                _openScopes.RemoveAt(_openScopes.Count - 1);
            }

            return pattern switch
            {
                "linear" => Linear(spans, all, name),
                "unordered" => new Span(all, [.. spans.SelectMany(s => s.Entries)], [.. spans.SelectMany(s => s.Exits)], name),
                _ => Graph(node, path, spans, all, name),
            };
        }

        public FlowPlan Finish(Dictionary<string, JsonElement> store)
        {
            foreach (var name in store.Keys.Where(_providers.ContainsKey))
            {
                throw Invalid($"'{name}' is in the flow's store and provided by step '{_steps[_providers[name]].Name}'; a value has one provider.");
            }

            foreach (var (from, to, branch) in _edges)
            {
                if (!_steps[to].After.Contains(from))
                {
                    _steps[to].After.Add(from);
                }

                if (branch && !_steps[to].SkipWith.Contains(from))
                {
                    _steps[to].SkipWith.Add(from);
                }
            }

            var ancestors = Ancestors();
            foreach (var step in _steps)
            {
                foreach (var needed in step.Requires.Concat(step.Conditions.Select(c => c.Provided)))
                {
                    if (store.ContainsKey(needed))
                    {
                        continue;
                    }

                    if (!_providers.TryGetValue(needed, out var provider))
                    {
                        var known = _providers.Keys.Concat(store.Keys).Order(StringComparer.Ordinal).ToList();
                        throw Invalid($"Step '{step.Name}' requires '{needed}', which no step provides{(known.Count == 0 ? "" : $" (provided: {string.Join(", ", known)})")}.");
                    }

                    if (!ancestors[step.Index].Contains(provider))
                    {
                        throw Invalid($"Step '{step.Name}' requires '{needed}', but step '{_steps[provider].Name}' that provides it does not run before it: order them in a linear, or put both in a graph.");
                    }

                    if (step.Requires.Contains(needed) && !step.SkipWith.Contains(provider))
                    {
                        step.SkipWith.Add(provider);
                    }
                }
            }

            var documents = _steps.SelectMany(s => s.Documents).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            return new FlowPlan(_steps, _groupLimits, store, documents, _scopes);
        }

        private Span Linear(List<Span> spans, List<int> all, string? name)
        {
            for (var i = 1; i < spans.Count; i++)
            {
                foreach (var exit in spans[i - 1].Exits)
                {
                    foreach (var entry in spans[i].Entries)
                    {
                        _edges.Add((exit, entry, false));
                    }
                }
            }

            return new Span(all, spans[0].Entries, spans[^1].Exits, name);
        }

        private Span Graph(JsonElement node, string path, List<Span> spans, List<int> all, string? name)
        {
            var byName = new Dictionary<string, Span>(StringComparer.Ordinal);
            foreach (var span in spans)
            {
                if (span.Name is { } childName)
                {
                    byName[childName] = span;
                }
            }

            var edges = new HashSet<(Span From, Span To)>();
            if (node.TryGetProperty("edges", out var declared))
            {
                if (declared.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid($"{path}.edges must be an array of [\"from\", \"to\"] pairs of the graph's step or subflow names.");
                }

                var e = 0;
                foreach (var edge in declared.EnumerateArray())
                {
                    var where = $"{path}.edges[{e++}]";
                    if (edge.ValueKind != JsonValueKind.Array || edge.GetArrayLength() != 2 || edge[0].ValueKind != JsonValueKind.String || edge[1].ValueKind != JsonValueKind.String)
                    {
                        throw Invalid($"{where} must be a [\"from\", \"to\"] pair of names.");
                    }

                    edges.Add((Child(byName, edge[0].GetString()!, where), Child(byName, edge[1].GetString()!, where)));
                }
            }

            // A child that requires (or is conditioned on) what another child provides runs after it.
            foreach (var to in spans)
            {
                foreach (var needed in to.Steps.SelectMany(s => _steps[s].Requires.Concat(_steps[s].Conditions.Select(c => c.Provided))))
                {
                    if (_providers.TryGetValue(needed, out var provider) && spans.FirstOrDefault(s => s.Steps.Contains(provider)) is { } from && from != to)
                    {
                        edges.Add((from, to));
                    }
                }
            }

            foreach (var (from, to) in edges)
            {
                if (from == to)
                {
                    throw Invalid($"{path}.edges has an edge from '{from.Name}' to itself.");
                }

                foreach (var exit in from.Exits)
                {
                    foreach (var entry in to.Entries)
                    {
                        _edges.Add((exit, entry, true));
                    }
                }
            }

            var entries = spans.Where(s => !edges.Any(e => e.To == s)).SelectMany(s => s.Entries).ToList();
            var exits = spans.Where(s => !edges.Any(e => e.From == s)).SelectMany(s => s.Exits).ToList();
            if (entries.Count == 0)
            {
                throw Invalid($"{path}: the graph's order has a cycle (every child runs after another).");
            }

            return new Span(all, entries, exits.Count == 0 ? all : exits, name);
        }

        private static Span Child(Dictionary<string, Span> byName, string name, string where) =>
            byName.TryGetValue(name, out var span)
                ? span
                : throw Invalid($"{where} names '{name}', which is not a step or named subflow of this graph (names: {string.Join(", ", byName.Keys)}).");

        private Span Step(JsonElement node, string path, IReadOnlyList<FlowCondition> conditions, IReadOnlyList<int> groups)
        {
            var name = OptionalString(node, "step", path) ?? throw Invalid($"{path}.step must be the step's name.");
            CheckName(name, $"{path}.step");
            if (!_names.Add(name))
            {
                throw Invalid($"Two steps are named '{name}'; step names are unique in a flow.");
            }

            if (_steps.Count == MaxSteps)
            {
                throw Invalid($"A flow has at most {MaxSteps} steps.");
            }

            var where = $"step '{name}'";
            var (topic, subtype, handler) = Handler(OptionalString(node, "handler", path) ?? throw Invalid($"{where} needs a handler (\"topic/subtype\")."), where, "handler");
            var requires = new List<string>();
            if (node.TryGetProperty("requires", out var requiresValue))
            {
                if (requiresValue.ValueKind != JsonValueKind.Array || requiresValue.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(r.GetString())))
                {
                    throw Invalid($"{where}: requires must be an array of the names of provided values.");
                }

                requires.AddRange(requiresValue.EnumerateArray().Select(r => r.GetString()!).Distinct(StringComparer.Ordinal));
            }

            JsonElement? input = node.TryGetProperty("input", out var inputValue) ? inputValue.Clone() : null;
            if (requires.Count > 0 && input is { ValueKind: not JsonValueKind.Object })
            {
                throw Invalid($"{where}: input must be an object when the step requires values (each required value becomes a field of it).");
            }

            var documents = new SortedSet<string>(StringComparer.Ordinal);
            if (node.TryGetProperty("documents", out var documentsValue))
            {
                if (documentsValue.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid($"{where}: documents must be an array of document keys.");
                }

                var d = 0;
                foreach (var key in documentsValue.EnumerateArray())
                {
                    documents.Add(DocumentKey.Validate(key.ValueKind == JsonValueKind.String ? key.GetString() : null, $"{where}: documents[{d++}]"));
                }
            }

            if (requires.Count == 0)
            {
                // Its input is known now: the handler checks it and names the documents it locks, as for a task of its own.
                try
                {
                    documents.UnionWith(handler.Validate(input ?? EmptyObject));
                }
                catch (TaskValidationException invalid)
                {
                    throw new TaskValidationException(invalid.Code, $"{where}: {invalid.Message}");
                }
            }

            var provides = OptionalString(node, "provides", path);
            if (provides is not null && !_providers.TryAdd(provides, _steps.Count))
            {
                throw Invalid($"Steps '{_steps[_providers[provides]].Name}' and '{name}' both provide '{provides}'; a value has one provider.");
            }

            TimeSpan? timeout = null;
            if (OptionalString(node, "timeout", path) is { } timeoutText)
            {
                timeout = Durations.TryParse(timeoutText, out var parsed) && parsed > TimeSpan.Zero
                    ? parsed
                    : throw Invalid($"{where}: timeout must be a positive duration such as \"5s\".");
            }

            var revert = OptionalString(node, "revert", path);
            if (revert is not null)
            {
                Handler(revert, where, "revert");
            }

            var index = _steps.Count;
            _steps.Add(new FlowStepPlan
            {
                Index = index,
                Name = name,
                Handler = $"{topic}/{subtype}",
                Topic = topic,
                Subtype = subtype,
                Path = path,
                Input = input,
                Requires = requires,
                Provides = provides,
                Documents = [.. documents],
                Timeout = timeout,
                Retry = node.TryGetProperty("retry", out var retry) ? RetryPolicy.Parse(retry, where) : RetryPolicy.None,
                Revert = revert,
                Conditions = conditions,
                Groups = groups,
                Scopes = [.. _openScopes],
            });
            return new Span([index], [index], [index], name);
        }

        private (string Topic, string Subtype, ITaskHandler Handler) Handler(string kind, string where, string field)
        {
            var slash = kind.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == kind.Length - 1)
            {
                throw Invalid($"{where}: {field} must be \"topic/subtype\" (with @version when versioned), not '{kind}'.");
            }

            var (topic, subtype) = (kind[..slash], kind[(slash + 1)..]);
            if (topic == FlowHandler.FlowTopic)
            {
                throw Invalid($"{where}: a step cannot run a flow; nest a linear, unordered or graph instead.");
            }

            try
            {
                return (topic, subtype, handlers.Get(topic, subtype));
            }
            catch (TaskValidationException unknown)
            {
                throw new TaskValidationException(ErrorCodes.InvalidFlow, $"{where}: {unknown.Message}");
            }
        }

        private static FlowCondition Condition(JsonElement when, string path)
        {
            if (when.ValueKind != JsonValueKind.Object || OptionalString(when, "provided", $"{path}.when") is not { } provided
                || when.TryGetProperty("equals", out var equals) == when.TryGetProperty("notEquals", out var notEquals))
            {
                throw Invalid($"{path}.when must be {{\"provided\": \"name\", \"equals\": value}} or {{\"provided\": \"name\", \"notEquals\": value}}.");
            }

            return equals.ValueKind != JsonValueKind.Undefined ? new FlowCondition(provided, equals.Clone(), false) : new FlowCondition(provided, notEquals.Clone(), true);
        }

        private static string? OptionalString(JsonElement node, string name, string path) =>
            !node.TryGetProperty(name, out var value) ? null
            : value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString()) ? value.GetString()
            : throw Invalid($"{path}.{name} must be a non-empty string.");

        private static void CheckName(string name, string where)
        {
            if (!NamePattern().IsMatch(name))
            {
                throw Invalid($"{where} is '{name}'; a name is 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit.");
            }
        }

        // Every step's ancestors, in topological order; a cycle is an invalid flow.
        private List<HashSet<int>> Ancestors()
        {
            var ancestors = _steps.Select(_ => new HashSet<int>()).ToList();
            var waiting = _steps.Select(s => s.After.Count).ToArray();
            var ready = new Queue<int>(_steps.Where(s => s.After.Count == 0).Select(s => s.Index));
            var successors = _steps.Select(_ => new List<int>()).ToList();
            foreach (var step in _steps)
            {
                foreach (var before in step.After)
                {
                    successors[before].Add(step.Index);
                }
            }

            var done = 0;
            while (ready.TryDequeue(out var current))
            {
                done++;
                foreach (var next in successors[current])
                {
                    ancestors[next].Add(current);
                    ancestors[next].UnionWith(ancestors[current]);
                    if (--waiting[next] == 0)
                    {
                        ready.Enqueue(next);
                    }
                }
            }

            if (done < _steps.Count)
            {
                var stuck = _steps.First(s => waiting[s.Index] > 0);
                throw Invalid($"The flow's order has a cycle through step '{stuck.Name}'.");
            }

            return ancestors;
        }
    }

    private static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement;
}
