using Microsoft.AspNetCore.Http.HttpResults;
using Stackl.Contracts;
using Stackl.Silo.Api;
using Stackl.Silo.Cluster;
using Stackl.Tasks;
using Stackl.Tasks.Handlers;
using Stackl.Tasks.Queries;

using Stackl.Silo.Security;

namespace Stackl.Silo.Dashboard;

/// <summary>Maps the read endpoints the dashboard needs beyond the task and document API: recent figures, reminders, lock queues and handlers.</summary>
public static class DashboardApi
{
    // Reminders are listed up to this far ahead: every reminder there is, in due order.
    private static readonly TimeSpan s_reminderHorizon = TimeSpan.FromDays(3650);

    /// <summary>Maps <c>/api/stats</c>, <c>/api/stats/cluster</c>, <c>/api/reminders</c>, <c>/api/locks/queues</c> and <c>/api/handlers</c>.</summary>
    /// <param name="app">The endpoint route builder.</param>
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats", Stats).WithTags("Cluster").WithName("GetStats")
            .WithSummary("This silo's tasks per second, p50/p99 latency of completed tasks and error rate over the last minute, and a ten-minute series in 10 s steps.");
        app.MapGet("/api/stats/cluster", ClusterStatsAsync).WithTags("Cluster").WithName("GetClusterStats")
            .WithSummary("Every active silo's figures (as /api/stats) and their sum, over the same seconds, asked through Orleans; silos that did not answer within 2 s are listed apart.");
        app.MapGet("/api/reminders", RemindersAsync).WithTags("Cluster").WithName("ListReminders")
            .WithSummary("Unfinished tasks' deadlines (grain type task, name deadline) and Orleans reminders, earliest first; an overdue reminder has not been delivered yet.");
        app.MapGet("/api/locks/queues", LockQueuesAsync).WithTags("Documents").WithName("ListLockQueues")
            .WithSummary("Held document locks with their owner, lease and the tasks waiting for each, first in line first.");
        app.MapGet("/api/handlers", Handlers).WithTags("Tasks").WithName("ListHandlers")
            .WithSummary("The topic/subtype pairs this silo can run.");
        app.MapGet("/api/handlers/in-use", HandlersInUseAsync).WithTags("Tasks").WithName("ListHandlersInUse")
            .WithSummary("The handlers that unfinished flows run or revert with, with how many flows and one of them: retire a handler version once it is not listed.");
        return app;
    }

    private static Ok<TaskStatsView> Stats(TaskStatsWindow window, LocalSilo silo) => TypedResults.Ok(window.Snapshot(silo.Name));

    private static async Task<Ok<ClusterStatsView>> ClusterStatsAsync(ClusterStats stats, CancellationToken cancellationToken) => TypedResults.Ok(await stats.GetAsync(cancellationToken));

    private static async Task<Ok<IReadOnlyList<ReminderView>>> RemindersAsync(HttpRequest request, ApiRequest api, IReminderTable reminders, ITaskIndex tasks, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        request.HttpContext.Caller().DemandAllTasks("list every unfinished task's deadline");
        var limit = api.Limit(request);
        var now = timeProvider.GetUtcNow();
        var horizon = now + s_reminderHorizon;

        // A task's deadline is kept by its own timer and the deadline sweep, not by a reminder row: listed from the task table.
        var unfinished = await Task.WhenAll(
            TaskStatusExtensions.Unfinished.Select(status => tasks.ListAsync(new TaskQuery(status, Limit: limit), cancellationToken)));
        var deadlines = unfinished.SelectMany(page => page).Select(task => new ReminderView("task", task.Id, "deadline", task.Deadline, null, 0, Math.Max(0, (now - task.Deadline).TotalSeconds)));

        // Begin equal to end is the whole hash ring: every reminder of the service.
        var table = await reminders.ReadRows(0, 0).WaitAsync(cancellationToken);
        var ticks = table.Reminders
            .Select(r => (Reminder: r, DueAt: NextDue(r, now)))
            .Where(r => r.DueAt <= horizon)
            .Select(r => new ReminderView(r.Reminder.GrainId.Type.ToString()!, r.Reminder.GrainId.Key.ToString()!, r.Reminder.ReminderName, r.DueAt, r.Reminder.Period.TotalSeconds, 0, 0));
        return TypedResults.Ok<IReadOnlyList<ReminderView>>([.. deadlines.Concat(ticks).OrderBy(r => r.DueAt).Take(limit)]);
    }

    /// <summary>The first tick at or after <paramref name="now"/>: Orleans keeps a reminder's start and period, not its next tick.</summary>
    private static DateTimeOffset NextDue(ReminderEntry reminder, DateTimeOffset now)
    {
        var start = new DateTimeOffset(DateTime.SpecifyKind(reminder.StartAt, DateTimeKind.Utc));
        if (start >= now || reminder.Period <= TimeSpan.Zero)
        {
            return start;
        }

        var periods = Math.Ceiling((now - start) / reminder.Period);
        return start + (reminder.Period * periods);
    }

    private static async Task<Ok<IReadOnlyList<LockQueueView>>> LockQueuesAsync(HttpRequest request, ApiRequest api, IDocumentIndex index, TaskService service, CancellationToken cancellationToken)
    {
        request.HttpContext.Caller().DemandAllTasks("list the tasks waiting for every lock");
        var locks = await index.ListLocksAsync(api.Limit(request), cancellationToken);
        var queues = await Task.WhenAll(locks.Select(async held => new LockQueueView(held.Key, held.Owner, held.LeaseUntil, await service.GetLockWaitersAsync(held.Key, cancellationToken))));
        return TypedResults.Ok<IReadOnlyList<LockQueueView>>(queues);
    }

    private static Ok<IReadOnlyList<string>> Handlers(HandlerRegistry handlers) => TypedResults.Ok<IReadOnlyList<string>>([.. handlers.Topics]);

    // Read from the task table, page by page: a flow's handlers are in its stored payload, registered or not.
    private static async Task<Ok<IReadOnlyList<HandlerUseView>>> HandlersInUseAsync(HttpRequest request, ITaskIndex tasks, HandlerRegistry handlers, CancellationToken cancellationToken)
    {
        request.HttpContext.Caller().DemandAllTasks("list the handlers unfinished flows use");
        const int page = 500;
        var uses = new SortedDictionary<string, (int Flows, string Flow)>(StringComparer.Ordinal);
        foreach (var status in TaskStatusExtensions.Unfinished)
        {
            string? after = null;
            while (true)
            {
                var flows = await tasks.ListAsync(new TaskQuery(status, Stackl.Tasks.Flows.FlowPayload.FlowTopic, after, page), cancellationToken);
                foreach (var flow in flows)
                {
                    foreach (var handler in Stackl.Tasks.Flows.FlowPayload.HandlersNamed(flow.Payload))
                    {
                        uses[handler] = uses.TryGetValue(handler, out var use) ? (use.Flows + 1, use.Flow) : (1, flow.Id);
                    }
                }

                if (flows.Count < page)
                {
                    break;
                }

                after = flows[^1].Id;
            }
        }

        var registered = handlers.Topics.ToHashSet(StringComparer.Ordinal);
        return TypedResults.Ok<IReadOnlyList<HandlerUseView>>([.. uses.Select(u => new HandlerUseView(u.Key, u.Value.Flows, u.Value.Flow, registered.Contains(u.Key)))]);
    }
}

/// <summary>A handler that unfinished flows name.</summary>
/// <param name="Handler">The handler (<c>topic/subtype</c>, with <c>@version</c> when versioned).</param>
/// <param name="Flows">How many unfinished flows name it.</param>
/// <param name="Flow">One of them.</param>
/// <param name="Registered">False when this silo has no such handler: those flows fail when they reach the step.</param>
public sealed record HandlerUseView(string Handler, int Flows, string Flow, bool Registered);

/// <summary>A task deadline or a durable Orleans reminder, as the dashboard shows it.</summary>
/// <param name="GrainType">The owning grain's type (<c>task</c> for a task's deadline).</param>
/// <param name="GrainKey">The owning grain's key (the task id for a task's deadline).</param>
/// <param name="Name">The reminder's name (<c>deadline</c> for a task's deadline).</param>
/// <param name="DueAt">When it is next due.</param>
/// <param name="PeriodSeconds">Its period, or null for one shot.</param>
/// <param name="Attempt">Failed deliveries of this tick so far.</param>
/// <param name="OverdueSeconds">How far past due it is (0 when not yet due).</param>
public sealed record ReminderView(string GrainType, string GrainKey, string Name, DateTimeOffset DueAt, double? PeriodSeconds, int Attempt, double OverdueSeconds);

/// <summary>A held document lock and its queue.</summary>
/// <param name="Key">The document key.</param>
/// <param name="Owner">The task holding the lock.</param>
/// <param name="LeaseUntil">When the lock expires if its task never releases it.</param>
/// <param name="Waiting">The tasks waiting for the lock, first in line first.</param>
public sealed record LockQueueView(string Key, string Owner, DateTimeOffset? LeaseUntil, IReadOnlyList<string> Waiting);
