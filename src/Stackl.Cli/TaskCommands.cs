using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary><c>submit</c>, <c>get</c>, <c>wait</c>, <c>cancel</c>, <c>watch</c> and <c>tasks list</c>.</summary>
internal static class TaskCommands
{
    /// <summary>How long <c>submit</c> and the document writes wait for their task by default.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    /// <summary>Adds the task commands to the root.</summary>
    /// <param name="root">The root command.</param>
    /// <param name="run">Binds an action with the CLI's error handling.</param>
    public static void Add(RootCommand root, CommandRunner run)
    {
        root.Add(Submit(run));
        root.Add(Get(run));
        root.Add(Wait(run));
        root.Add(Cancel(run));
        root.Add(Watch(run));
        root.Add(List(run));
    }

    /// <summary>
    /// The wait of the submit request itself: a task that ends within it is printed at once, without a status line
    /// flashing by; a longer one is followed with <see cref="TaskProgress"/>.
    /// </summary>
    /// <param name="wait">The <c>--wait</c> value.</param>
    public static TimeSpan FirstWait(TimeSpan? wait)
    {
        var budget = wait ?? DefaultWait;
        return budget < TimeSpan.FromSeconds(1) ? budget : TimeSpan.FromSeconds(1);
    }

    /// <summary>The <c>--wait</c> option of commands that submit a task.</summary>
    public static Option<TimeSpan?> WaitOption() =>
        CliInput.DurationOption("--wait", $"How long to wait for the task to end; 0 returns once it is accepted [default: {Durations.Format(DefaultWait)}]");

    /// <summary>Follows a task the command submitted with <see cref="FirstWait"/>, prints it, and answers the exit code.</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="task">The task as the submit answered it.</param>
    /// <param name="wait">The <c>--wait</c> value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task<int> FollowSubmittedAsync(CliContext context, TaskView task, TimeSpan? wait, CancellationToken cancellationToken)
    {
        var budget = wait ?? DefaultWait;
        task = await TaskProgress.FollowAsync(context, task, budget - FirstWait(wait), FirstWait(wait), cancellationToken).ConfigureAwait(false);
        CliOutput.Task(context, task);

        // Not waiting was asked for: an accepted task is the success.
        return budget <= TimeSpan.Zero && !task.Status.IsFinal() ? ExitCodes.Success : ExitCodes.ForTask(task);
    }

    private static Command Submit(CommandRunner run)
    {
        var topic = new Argument<string>("topic") { Description = "The handler's topic, e.g. demo or document" };
        var subtype = new Argument<string>("subtype") { Description = "The handler's subtype, e.g. sleep or transaction" };
        var payload = new Argument<string?>("payload")
        {
            Description = "The payload: JSON, @file.json, or @- for standard input [default: {}]",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var documents = new Option<string?>("--documents", "-d") { Description = "Extra document keys to lock, comma-separated: k1,k2", HelpName = "keys" };
        var timeout = CliInput.DurationOption("--timeout", "The task's time budget [default: the server's, 30s]");
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "A repeated submit with the same key returns the first task", HelpName = "key" };
        var wait = WaitOption();
        var command = new Command("submit", "Submit a task and wait for it to end, showing its status")
        {
            topic, subtype, payload, documents, timeout, idempotencyKey, wait,
        };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var spec = new TaskSpec(
                parse.GetRequiredValue(topic),
                parse.GetRequiredValue(subtype),
                parse.GetValue(payload) is { } text ? CliInput.Json(text, "payload") : EmptyObject(),
                CliInput.Keys(parse.GetValue(documents)),
                parse.GetValue(timeout),
                parse.GetValue(idempotencyKey),
                Source: "cli");
            var task = await context.Client.SubmitAsync(spec, FirstWait(parse.GetValue(wait)), cancellationToken).ConfigureAwait(false);
            return await FollowSubmittedAsync(context, task, parse.GetValue(wait), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Get(CommandRunner run)
    {
        var id = IdArgument();
        var command = new Command("get", "Show a task: status, result or error, log lines (exit 0 when it exists, whatever its status)") { id };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            CliOutput.Task(context, await context.Client.GetAsync(parse.GetRequiredValue(id), cancellationToken: cancellationToken).ConfigureAwait(false));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Wait(CommandRunner run)
    {
        var id = IdArgument();
        var timeout = CliInput.DurationOption("--timeout", "How long to wait [default: until the task ends; every task has a deadline]");
        var command = new Command("wait", "Wait for a task to end, showing its status") { id, timeout };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var task = await context.Client.GetAsync(parse.GetRequiredValue(id), cancellationToken: cancellationToken).ConfigureAwait(false);
            task = await TaskProgress.FollowAsync(context, task, parse.GetValue(timeout), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            CliOutput.Task(context, task);
            return ExitCodes.ForTask(task);
        });
        return command;
    }

    private static Command Cancel(CommandRunner run)
    {
        var id = IdArgument();
        var wait = CliInput.DurationOption("--wait", "How long to wait for the rollback to finish [default: 10s]");
        var command = new Command("cancel", "Cancel a task that has not decided to commit (exit 0 once it is Cancelled; 2 when it already ended or is committing)") { id, wait };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var task = await context.Client.CancelAsync(parse.GetRequiredValue(id), parse.GetValue(wait) ?? TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            CliOutput.Task(context, task);
            return task.Status == TaskStatus.Cancelled ? ExitCodes.Success : ExitCodes.ForTask(task);
        });
        return command;
    }

    private static Command Watch(CommandRunner run)
    {
        var id = IdArgument();
        var command = new Command("watch", "Print a task's events (status transitions and log lines) until it ends") { id };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            TaskEvent? last = null;
            await foreach (var taskEvent in context.Client.WatchAsync(parse.GetRequiredValue(id), cancellationToken).ConfigureAwait(false))
            {
                last = taskEvent;
                if (context.Json)
                {
                    CliOutput.Json(context.Out, taskEvent, ContractsJsonContext.Default.TaskEvent);
                    continue;
                }

                var line = $"{CliOutput.Time(taskEvent.At)}  {taskEvent.TaskId}  {(taskEvent.Kind == TaskEvent.LogKind ? "log" : taskEvent.Status.ToString())}";
                if (taskEvent.Message is { } message)
                {
                    line += $"  {message}";
                }

                if (taskEvent.DurationMs is { } ms)
                {
                    line += $"  ({CliOutput.Elapsed(TimeSpan.FromMilliseconds(ms))})";
                }

                context.Out.WriteLine(line);
            }

            // The stream also ends when the silo closes it (a silo that stops): then the task was not seen final.
            return last is { Kind: TaskEvent.StatusKind } final && final.Status.IsFinal()
                ? final.Status == TaskStatus.Completed ? ExitCodes.Success : ExitCodes.TaskNotCompleted
                : ExitCodes.NotFinal;
        });
        return command;
    }

    private static Command List(CommandRunner run)
    {
        var status = new Option<TaskStatus?>("--status") { Description = "Only tasks in this status" };
        var topic = new Option<string?>("--topic") { Description = "Only tasks of this topic" };
        var after = new Option<string?>("--after") { Description = "The next-page cursor printed by the previous page", HelpName = "id" };
        var limit = new Option<int?>("--limit") { Description = "The page size [default: the server's, 50]", HelpName = "n" };
        var list = new Command("list", "List tasks newest first") { status, topic, after, limit };
        run.Bind(list, async (parse, context, cancellationToken) =>
        {
            var page = await context.Client.ListTasksAsync(parse.GetValue(status), parse.GetValue(topic), parse.GetValue(after), parse.GetValue(limit), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, page, ContractsJsonContext.Default.PageTaskView);
                return ExitCodes.Success;
            }

            CliOutput.Table(context.Out, ["ID", "STATUS", "HANDLER", "CREATED", "TOOK", "ERROR"], [.. page.Items.Select(t => new[]
            {
                t.Id,
                t.Status.ToString(),
                $"{t.Topic}/{t.Subtype}",
                CliOutput.Time(t.Created),
                t.Completed is { } completed ? CliOutput.Elapsed(completed - t.Created) : "",
                t.Error is { } error ? CliOutput.Short($"{error.Code}: {error.Message}", 60) : "",
            })]);
            NextPage(context, page.Next);
            return ExitCodes.Success;
        });
        return new Command("tasks", "List tasks") { list };
    }

    /// <summary>Tells a person how to read the next page (on standard error, so the table stays clean).</summary>
    /// <param name="context">The command's context.</param>
    /// <param name="next">The next-page cursor, if any.</param>
    public static void NextPage(CliContext context, string? next)
    {
        if (next is not null)
        {
            context.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"more: add --after {next}"));
        }
    }

    private static Argument<string> IdArgument() => new("id") { Description = "The task id, as submit printed it" };

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}
