using Stackl.Contracts;
using Stackl.Tasks;
using Stackl.Tasks.Events;

namespace Stackl.Silo.Api;

/// <summary>One task's server-sent events from a <see cref="TaskEventPosition"/> on: what the task's state holds past it, then live events, each exactly once and in order.</summary>
/// <remarks>
/// Every event's <c>id:</c> is the position the client has reached with it, so a client that reconnects (to this silo or another) with
/// <c>Last-Event-ID</c> gets what it missed and nothing twice. Live events already covered are dropped; a live event that skips
/// lines (written before the stream subscribed, or dropped from a full subscription) makes the stream read the task and send the
/// lines between first. So does a quiet stream every 15 s, so a final status whose event was lost still ends it.
/// </remarks>
internal sealed class TaskEventStream(ServerSentEvents sse, TaskService service, string taskId, TaskEventPosition from)
{
    private TaskEventPosition _at = from;

    /// <summary>True once the client has seen a final status: the stream ends.</summary>
    public bool Final => _at.Status >= 0 && ((TaskStatus)_at.Status).IsFinal();

    /// <summary>Sends what <paramref name="task"/> holds past the client's position: its log lines, then its status if the client has not seen it.</summary>
    public async Task CatchUpAsync(TaskView task, CancellationToken cancellationToken)
    {
        var reportStatus = (int)task.Status > _at.Status;
        for (var i = _at.LogLines; i < task.Logs.Count; i++)
        {
            // Lines are written while a task runs: having seen one is having seen Running.
            _at = new TaskEventPosition(i + 1, Math.Max(_at.Status, (int)TaskStatus.Running));
            var line = task.Logs[i];
            await WriteAsync(new TaskEvent(task.Id, TaskEvent.LogKind, TaskStatus.Running, task.Topic, task.Subtype, line.At, line.Message), cancellationToken);
        }

        if (reportStatus)
        {
            _at = _at.Max(TaskEventPosition.Of(task.Logs.Count, task.Status));
            var duration = task.Completed is { } completed ? (completed - task.Created).TotalMilliseconds : (double?)null;
            await WriteAsync(new TaskEvent(task.Id, TaskEvent.StatusKind, task.Status, task.Topic, task.Subtype, task.Completed ?? task.Started ?? task.Created, task.Error?.Message, duration), cancellationToken);
        }
    }

    /// <summary>Relays the task's live events until it is final or the client leaves.</summary>
    public async Task FollowAsync(TaskEventSubscription subscription, CancellationToken cancellationToken)
    {
        while (!Final)
        {
            switch (await sse.WaitAsync(subscription, cancellationToken))
            {
                case ServerSentEvents.Wait.Ended:
                    return;
                case ServerSentEvents.Wait.Idle:
                    await CatchUpFromTaskAsync(cancellationToken);
                    continue;
            }

            while (!Final && subscription.Reader.TryRead(out var taskEvent))
            {
                if (taskEvent.TaskId == taskId)
                {
                    await OnLiveAsync(taskEvent, cancellationToken);
                }
            }
        }
    }

    private async Task OnLiveAsync(TaskEvent taskEvent, CancellationToken cancellationToken)
    {
        if (!TaskEventPosition.TryParse(taskEvent.Position, out var at))
        {
            // An event without a position (from a silo that does not stamp them): the task's state says what is new.
            await CatchUpFromTaskAsync(cancellationToken);
            return;
        }

        if (_at.Covers(at))
        {
            return;
        }

        var inOrder = taskEvent.Kind == TaskEvent.LogKind ? at.LogLines == _at.LogLines + 1 : at.LogLines <= _at.LogLines;
        if (!inOrder)
        {
            await CatchUpFromTaskAsync(cancellationToken);
            if (_at.Covers(at))
            {
                return;
            }
        }

        _at = _at.Max(at);
        await WriteAsync(taskEvent, cancellationToken);
    }

    private async Task CatchUpFromTaskAsync(CancellationToken cancellationToken)
    {
        if (await service.GetAsync(taskId, cancellationToken: cancellationToken) is { } task)
        {
            await CatchUpAsync(task, cancellationToken);
        }
    }

    private Task WriteAsync(TaskEvent taskEvent, CancellationToken cancellationToken)
    {
        var id = _at.ToString();
        return sse.WriteAsync(taskEvent with { Position = id }, id, cancellationToken);
    }
}
