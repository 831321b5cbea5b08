using Stackl.Contracts;

namespace Stackl.Tasks.Handlers;

/// <summary>The handlers and revert handlers of the silo, by topic/subtype and by kind.</summary>
public sealed class HandlerRegistry
{
    private readonly Dictionary<(string, string), ITaskHandler> _handlers = [];
    private readonly Dictionary<string, ITaskRevertHandler> _reverts = new(StringComparer.Ordinal);

    /// <summary>Builds the registry; two handlers for one topic/subtype is a start-up error.</summary>
    /// <param name="handlers">The registered handlers.</param>
    /// <param name="reverts">The registered revert handlers.</param>
    public HandlerRegistry(IEnumerable<ITaskHandler> handlers, IEnumerable<ITaskRevertHandler> reverts)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(reverts);
        foreach (var handler in handlers)
        {
            if (!_handlers.TryAdd((handler.Topic, handler.Subtype), handler))
            {
                throw new InvalidOperationException($"Two handlers are registered for {handler.Topic}/{handler.Subtype}; keep one.");
            }
        }

        foreach (var revert in reverts)
        {
            _reverts[revert.Kind] = revert;
        }
    }

    /// <summary>The topic/subtype pairs handled.</summary>
    public IEnumerable<string> Topics => _handlers.Keys.Select(k => $"{k.Item1}/{k.Item2}").Order(StringComparer.Ordinal);

    /// <summary>The handler of a topic/subtype, or a <see cref="TaskValidationException"/> listing the known ones.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="subtype">The subtype.</param>
    public ITaskHandler Get(string topic, string subtype) =>
        _handlers.TryGetValue((topic, subtype), out var handler)
            ? handler
            : throw new TaskValidationException(ErrorCodes.UnknownTopic, $"No handler for topic '{topic}' and subtype '{subtype}'; known: {string.Join(", ", Topics)}.");

    /// <summary>The handler of a topic/subtype, or null.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="subtype">The subtype.</param>
    public ITaskHandler? TryGet(string topic, string subtype) => _handlers.GetValueOrDefault((topic, subtype));

    /// <summary>The revert handler of a kind, or null.</summary>
    /// <param name="kind">The kind.</param>
    public ITaskRevertHandler? GetRevert(string kind) => _reverts.GetValueOrDefault(kind);
}
