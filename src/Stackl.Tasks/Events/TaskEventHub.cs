using System.Threading.Channels;
using Stackl.Contracts;

namespace Stackl.Tasks.Events;

/// <summary>Publishes task events to in-process subscribers (SSE streams, the dashboard): this silo's, and other silos' that a relay brings.</summary>
/// <remarks>
/// Status events are published after the transition is persisted. A subscriber that falls behind loses its oldest events rather
/// than slowing tasks down; events are a live view, the task table is the record. In a cluster a relay (PostgreSQL
/// <c>LISTEN/NOTIFY</c>) forwards <see cref="PublishedHere"/> events to the other silos, which deliver them with
/// <see cref="PublishFromAnotherSilo"/>, so a stream on any silo sees the tasks of every silo.
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

    /// <summary>Raised for every event of a task running on this silo, after its subscribers got it.</summary>
    public event Action<TaskEvent>? PublishedHere;

    /// <summary>Delivers an event of a task of this silo to every subscriber without waiting, and to the relay if there is one.</summary>
    /// <param name="taskEvent">The event.</param>
    public void Publish(TaskEvent taskEvent)
    {
        Deliver(taskEvent);
        PublishedHere?.Invoke(taskEvent);
    }

    /// <summary>Delivers an event another silo published to this silo's subscribers (not back to the relay).</summary>
    /// <param name="taskEvent">The event.</param>
    public void PublishFromAnotherSilo(TaskEvent taskEvent) => Deliver(taskEvent);

    private void Deliver(TaskEvent taskEvent)
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
