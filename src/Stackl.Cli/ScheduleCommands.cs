using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary><c>schedules put|list|get|delete|pause|resume|trigger</c>.</summary>
internal static class ScheduleCommands
{
    private static readonly string[] s_taskFields = ["topic", "subtype", "payload", "documents", "timeout"];

    /// <summary>Adds the commands to the root.</summary>
    /// <param name="root">The root command.</param>
    /// <param name="run">Binds an action with the CLI's error handling.</param>
    public static void Add(RootCommand root, CommandRunner run)
    {
        var schedules = new Command("schedules", "Start a task at every due time of a cron expression (needs an operator or admin key)")
        {
            Put(run), List(run), Get(run), Delete(run), Pause(run), Resume(run), Trigger(run),
        };
        root.Add(schedules);
    }

    private static Command Put(CommandRunner run)
    {
        var name = NameArgument();
        var cron = new Option<string>("--cron") { Description = "A cron expression, 6 fields with seconds (\"0 */5 * * * *\") or 5 (\"*/5 * * * *\")", HelpName = "expression", Required = true };
        var timeZone = new Option<string?>("--time-zone") { Description = "The IANA time zone the cron is read in, e.g. Europe/Paris [default: UTC]", HelpName = "zone" };
        var overlap = new Option<ScheduleOverlap?>("--overlap") { Description = "A due run while the previous one is unfinished: skip, queue or allow [default: skip]" };
        var catchUp = new Option<ScheduleCatchUp?>("--catch-up") { Description = "Runs missed while down or paused: none, last or all [default: last]" };
        var paused = new Option<bool>("--paused") { Description = "Create it paused (resume starts it)" };
        var task = new Option<string?>("--task") { Description = "The task each run submits, a JSON file {\"topic\", \"subtype\", \"payload\", \"documents\", \"timeout\"} (- for standard input)", HelpName = "file" };
        var topic = new Option<string?>("--topic") { Description = "The task's topic (instead of --task)", HelpName = "topic" };
        var subtype = new Option<string?>("--subtype") { Description = "The task's subtype (with --topic)", HelpName = "subtype" };
        var payload = new Option<string?>("--payload") { Description = "The task's payload: JSON or @file.json [default: {}]", HelpName = "json" };
        var timeout = CliInput.DurationOption("--timeout", "The task's time budget [default: the server's, 30s]");
        var command = new Command("put", "Create or replace a schedule")
        {
            name, cron, timeZone, overlap, catchUp, paused, task, topic, subtype, payload, timeout,
        };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            TaskSpec spec;
            if (parse.GetValue(task) is { } file)
            {
                if (parse.GetValue(topic) is not null || parse.GetValue(subtype) is not null || parse.GetValue(payload) is not null || parse.GetValue(timeout) is not null)
                {
                    throw new UsageException("Give the task either as --task FILE or as --topic, --subtype, --payload and --timeout, not both.");
                }

                spec = ReadTask(file, "a schedule's task");
            }
            else
            {
                spec = parse.GetValue(topic) is { } t && parse.GetValue(subtype) is { } s
                    ? new TaskSpec(t, s, parse.GetValue(payload) is { } text ? CliInput.Json(text, "payload") : EmptyObject(), Timeout: parse.GetValue(timeout))
                    : throw new UsageException("Name the task each run submits: --task FILE, or --topic and --subtype (with --payload and --timeout if needed).");
            }

            var schedule = new ScheduleSpec(parse.GetRequiredValue(cron), spec, parse.GetValue(timeZone), parse.GetValue(overlap), parse.GetValue(catchUp), parse.GetValue(paused) ? false : null);
            Show(context, await context.Client.PutScheduleAsync(parse.GetRequiredValue(name), schedule, cancellationToken).ConfigureAwait(false));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CommandRunner run)
    {
        var after = new Option<string?>("--after") { Description = "The next-page cursor printed by the previous page", HelpName = "name" };
        var limit = new Option<int?>("--limit") { Description = "The page size [default: the server's, 50]", HelpName = "n" };
        var command = new Command("list", "List schedules by name with their next and last runs") { after, limit };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var page = await context.Client.ListSchedulesAsync(parse.GetValue(after), parse.GetValue(limit), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, page, ContractsJsonContext.Default.PageScheduleView);
                return ExitCodes.Success;
            }

            CliOutput.Table(context.Out, ["NAME", "CRON", "TIME ZONE", "ENABLED", "NEXT DUE", "LAST DUE", "LAST TASK", "RUNS", "SKIPPED"], [.. page.Items.Select(s => new[]
            {
                s.Name,
                s.Cron,
                s.TimeZone,
                s.Enabled ? "yes" : "no",
                Time(s.NextDue),
                Time(s.LastDue),
                s.LastTaskId ?? "",
                s.Runs.ToString(CultureInfo.InvariantCulture),
                s.Skipped.ToString(CultureInfo.InvariantCulture),
            })]);
            TaskCommands.NextPage(context, page.Next);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Get(CommandRunner run)
    {
        var name = NameArgument();
        var command = new Command("get", "Show a schedule: its cron, task, next and last runs") { name };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            Show(context, await context.Client.GetScheduleAsync(parse.GetRequiredValue(name), cancellationToken).ConfigureAwait(false));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete(CommandRunner run)
    {
        var name = NameArgument();
        var command = new Command("delete", "Delete a schedule; runs already started go on") { name };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var scheduleName = parse.GetRequiredValue(name);
            await context.Client.DeleteScheduleAsync(scheduleName, cancellationToken).ConfigureAwait(false);
            if (!context.Json)
            {
                context.Out.WriteLine($"Deleted schedule {scheduleName}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Pause(CommandRunner run)
    {
        var name = NameArgument();
        var command = new Command("pause", "Pause a schedule: no run starts until it is resumed") { name };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            Show(context, await context.Client.PauseScheduleAsync(parse.GetRequiredValue(name), cancellationToken).ConfigureAwait(false));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Resume(CommandRunner run)
    {
        var name = NameArgument();
        var command = new Command("resume", "Resume a schedule; the runs it missed are made up for as its catch-up says") { name };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            Show(context, await context.Client.ResumeScheduleAsync(parse.GetRequiredValue(name), cancellationToken).ConfigureAwait(false));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Trigger(CommandRunner run)
    {
        var name = NameArgument();
        var wait = CliInput.DurationOption("--wait", "How long to wait for the run's task to end, showing its status [default: 0, print it once accepted]");
        var command = new Command("trigger", "Start a run now, outside the cron, and print its task") { name, wait };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var task = await context.Client.TriggerScheduleAsync(parse.GetRequiredValue(name), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(wait) is not { } budget || budget <= TimeSpan.Zero)
            {
                CliOutput.Task(context, task);
                return ExitCodes.Success;
            }

            task = await TaskProgress.FollowAsync(context, task, budget, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            CliOutput.Task(context, task);
            return ExitCodes.ForTask(task);
        });
        return command;
    }

    private static void Show(CliContext context, ScheduleView schedule)
    {
        if (context.Json)
        {
            CliOutput.Json(context.Out, schedule, ContractsJsonContext.Default.ScheduleView);
            return;
        }

        var fields = new List<(string, string)>
        {
            ("name", schedule.Name),
            ("cron", schedule.Cron),
            ("time zone", schedule.TimeZone),
            ("task", $"{schedule.Task.Topic}/{schedule.Task.Subtype} {schedule.Task.Payload.GetRawText()}"),
            ("overlap", schedule.Overlap.ToString().ToLowerInvariant()),
            ("catch-up", schedule.CatchUp.ToString().ToLowerInvariant()),
            ("enabled", schedule.Enabled ? "yes" : "no"),
            ("next due", Time(schedule.NextDue)),
            ("last due", Time(schedule.LastDue)),
            ("last task", schedule.LastTaskId ?? ""),
            ("runs", schedule.Runs.ToString(CultureInfo.InvariantCulture)),
            ("skipped", schedule.Skipped.ToString(CultureInfo.InvariantCulture)),
        };
        CliOutput.Fields(context.Out, fields);
    }

    /// <summary>Reads <c>--task FILE</c>: a task body as <c>POST /api/tasks</c> takes it, without an idempotency key.</summary>
    /// <param name="path">The file, or - for standard input.</param>
    /// <param name="what">What the task is, for the errors: "a schedule's task".</param>
    internal static TaskSpec ReadTask(string path, string what)
    {
        var body = CliInput.Json(path == "-" ? "@-" : "@" + path, "task");
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new UsageException($"{path} must hold a JSON object such as {{\"topic\": \"demo\", \"subtype\": \"echo\", \"payload\": {{}}}}.");
        }

        if (body.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !s_taskFields.Contains(n, StringComparer.Ordinal)) is { } unknown)
        {
            throw new UsageException($"{path}: '{unknown}' is not a field of {what}; the fields are {string.Join(", ", s_taskFields)}.");
        }

        string? Text(string field) => body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var topic = Text("topic") ?? throw new UsageException($"{path}: topic is required, a string such as \"demo\".");
        var subtype = Text("subtype") ?? throw new UsageException($"{path}: subtype is required, a string such as \"echo\".");
        TimeSpan? timeout = null;
        if (Text("timeout") is { } timeoutText)
        {
            timeout = Durations.TryParse(timeoutText, out var parsed) ? parsed : throw new UsageException($"{path}: timeout is '{timeoutText}'; write a duration such as 30s or 5m.");
        }

        IReadOnlyList<string>? documents = body.TryGetProperty("documents", out var docs) && docs.ValueKind == JsonValueKind.Array
            ? [.. docs.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.String ? d.GetString()! : throw new UsageException($"{path}: documents must be an array of keys."))]
            : null;
        return new TaskSpec(topic, subtype, body.TryGetProperty("payload", out var payload) ? payload.Clone() : EmptyObject(), documents, timeout);
    }

    private static string Time(DateTimeOffset? at) => at is { } time ? CliOutput.Time(time) : "";

    private static Argument<string> NameArgument() => new("name") { Description = "The schedule's name" };

    /// <summary>A fresh <c>{}</c>.</summary>
    internal static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}
