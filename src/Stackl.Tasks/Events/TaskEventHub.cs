using System.Threading.Channels;
using Stackl.Contracts;

namespace Stackl.Tasks.Events;

/// <summary>Publishes the task events of this silo to in-process subscribers (SSE streams, the dashboard, metrics).</summary>
/// <remarks>
/// Status events are published after the transition is persisted. A subscriber that falls behind loses its oldest events rather
/// than slowing tasks down; events are a live view, the task table is the record.
/// </remarks>
public sealed class TaskEventHub
{
    private readonly Lock _lock = new();
    private volatile TaskEventSubscription[] _subscribers = [];

    /// <summary>Subscribes; dispose the subscription to stop.</summary>
    /// <param name="capacity">How many unread events are kept before the oldest are dropped.</param>
    public TaskEventSubscription Subscribe(int capacity = 1024)
    {
        var channel = Channel.CreateBounded<TaskEvent>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var subscription = new TaskEventSubscription(this, channel);
        lock (_lock)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    /// <summary>Delivers an event to every subscriber without waiting.</summary>
    /// <param name="taskEvent">The event.</param>
    public void Publish(TaskEvent taskEvent)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Channel.Writer.TryWrite(taskEvent);
        }
    }

    internal void Unsubscribe(TaskEventSubscription subscription)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers.Where(s => s != subscription)];
        }

        subscription.Channel.Writer.TryComplete();
    }
}

/// <summary>One subscriber's stream of task events.</summary>
public sealed class TaskEventSubscription : IDisposable
{
    private readonly TaskEventHub _hub;

    internal TaskEventSubscription(TaskEventHub hub, Channel<TaskEvent> channel)
    {
        _hub = hub;
        Channel = channel;
    }

    /// <summary>The events, in publication order.</summary>
    public ChannelReader<TaskEvent> Reader => Channel.Reader;

    internal Channel<TaskEvent> Channel { get; }

    /// <inheritdoc />
    public void Dispose() => _hub.Unsubscribe(this);
}
