using Spectre.Console;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary>Follows a task until it is final or the wait ends, showing its status as it goes.</summary>
/// <remarks>
/// On a terminal the status is a live Spectre spinner line; otherwise each change is one plain line on standard error,
/// so standard output holds only the result.
/// </remarks>
internal static class TaskProgress
{
    /// <summary>How long one read waits on the server: short enough to refresh the status line every second.</summary>
    private static readonly TimeSpan s_refresh = TimeSpan.FromSeconds(1);

    /// <summary>Follows <paramref name="task"/> for up to <paramref name="wait"/> (null: until it is final).</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="task">The task as last read.</param>
    /// <param name="wait">How long to follow it.</param>
    /// <param name="waited">How long the command already waited for it (shown in the elapsed time).</param>
    /// <param name="cancellationToken">Cancels the wait (Ctrl+C).</param>
    /// <returns>The task when it became final or the wait ended.</returns>
    public static async Task<TaskView> FollowAsync(CliContext context, TaskView task, TimeSpan? wait, TimeSpan waited, CancellationToken cancellationToken)
    {
        if (task.Status.IsFinal() || wait <= TimeSpan.Zero)
        {
            return task;
        }

        var started = TimeProvider.System.GetTimestamp();
        if (context.LiveStatus)
        {
            return await AnsiConsole.Status()
                .Spinner(Spinner.Known.Dots)
                .StartAsync(Markup.Escape(Describe(task, waited)), status => PollAsync(context, task, wait, started, (t, _) => status.Status(Markup.Escape(Describe(t, waited + TimeProvider.System.GetElapsedTime(started)))), cancellationToken))
                .ConfigureAwait(false);
        }

        context.Err.WriteLine(Describe(task, null));
        return await PollAsync(context, task, wait, started, (t, changed) =>
        {
            if (changed)
            {
                context.Err.WriteLine(Describe(t, null));
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<TaskView> PollAsync(CliContext context, TaskView task, TimeSpan? wait, long started, Action<TaskView, bool> show, CancellationToken cancellationToken)
    {
        while (!task.Status.IsFinal())
        {
            var remaining = wait is { } limit ? limit - TimeProvider.System.GetElapsedTime(started) : s_refresh;
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            var next = await context.Client.GetAsync(task.Id, remaining < s_refresh ? remaining : s_refresh, cancellationToken).ConfigureAwait(false);
            show(next, next.Status != task.Status || next.Logs.Count != task.Logs.Count);
            task = next;
        }

        return task;
    }

    private static string Describe(TaskView task, TimeSpan? elapsed)
    {
        var text = $"{task.Id} {task.Topic}/{task.Subtype}: {task.Status}";
        if (elapsed is { } e)
        {
            text += $" ({CliOutput.Elapsed(e)})";
        }

        return task.Logs.Count > 0 ? $"{text} - {CliOutput.Short(task.Logs[^1].Message, 60)}" : text;
    }
}
