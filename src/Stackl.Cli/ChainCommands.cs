using System.CommandLine;
using System.Globalization;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary><c>chains put|list|get|delete</c>.</summary>
internal static class ChainCommands
{
    /// <summary>Adds the commands to the root.</summary>
    /// <param name="root">The root command.</param>
    /// <param name="run">Binds an action with the CLI's error handling.</param>
    public static void Add(RootCommand root, CommandRunner run)
    {
        var chains = new Command("chains", "Start a follow-up task when a task finishes (needs an operator or admin key)")
        {
            Put(run), List(run), Get(run), Delete(run),
        };
        root.Add(chains);
    }

    private static Command Put(CommandRunner run)
    {
        var name = NameArgument();
        var whenTopic = new Option<string>("--when-topic") { Description = "The topic of the finished tasks that fire the rule", HelpName = "topic", Required = true };
        var whenSubtype = new Option<string?>("--when-subtype") { Description = "Their subtype [default: any]", HelpName = "subtype" };
        var whenStatus = new Option<string[]>("--when-status") { Description = "A final status that fires the rule, repeatable: Completed, Failed, TimedOut, Cancelled, RollbackFailed [default: Completed]", HelpName = "status" };
        var then = new Option<string?>("--then") { Description = "The follow-up task, a JSON file {\"topic\", \"subtype\", \"payload\", \"documents\", \"timeout\"} (- for standard input)", HelpName = "file" };
        var topic = new Option<string?>("--topic") { Description = "The follow-up's topic (instead of --then)", HelpName = "topic" };
        var subtype = new Option<string?>("--subtype") { Description = "The follow-up's subtype (with --topic)", HelpName = "subtype" };
        var payload = new Option<string?>("--payload") { Description = "The follow-up's payload, an object: JSON or @file.json [default: {}]; it gets a parent field, the finished task", HelpName = "json" };
        var timeout = CliInput.DurationOption("--timeout", "The follow-up's time budget [default: the server's, 30s]");
        var command = new Command("put", "Create or replace a chain rule")
        {
            name, whenTopic, whenSubtype, whenStatus, then, topic, subtype, payload, timeout,
        };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            TaskSpec spec;
            if (parse.GetValue(then) is { } file)
            {
                if (parse.GetValue(topic) is not null || parse.GetValue(subtype) is not null || parse.GetValue(payload) is not null || parse.GetValue(timeout) is not null)
                {
                    throw new UsageException("Give the follow-up either as --then FILE or as --topic, --subtype, --payload and --timeout, not both.");
                }

                spec = ScheduleCommands.ReadTask(file, "a chain rule's follow-up");
            }
            else
            {
                spec = parse.GetValue(topic) is { } t && parse.GetValue(subtype) is { } s
                    ? new TaskSpec(t, s, parse.GetValue(payload) is { } text ? CliInput.Json(text, "payload") : ScheduleCommands.EmptyObject(), Timeout: parse.GetValue(timeout))
                    : throw new UsageException("Name the follow-up task: --then FILE, or --topic and --subtype (with --payload and --timeout if needed).");
            }

            var trigger = new ChainTrigger(parse.GetRequiredValue(whenTopic), parse.GetValue(whenSubtype), Statuses(parse.GetValue(whenStatus)));
            Show(context, await context.Client.PutChainRuleAsync(parse.GetRequiredValue(name), new ChainRuleSpec(trigger, spec), cancellationToken).ConfigureAwait(false));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command List(CommandRunner run)
    {
        var command = new Command("list", "List the chain rules by name");
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var rules = await context.Client.ListChainRulesAsync(cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, rules, ContractsJsonContext.Default.IReadOnlyListChainRuleView);
                return ExitCodes.Success;
            }

            CliOutput.Table(context.Out, ["NAME", "WHEN", "THEN"], [.. rules.Select(r => new[] { r.Name, When(r.When), $"{r.Then.Topic}/{r.Then.Subtype}" })]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Get(CommandRunner run)
    {
        var name = NameArgument();
        var command = new Command("get", "Show a chain rule: when it fires and the follow-up it starts") { name };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            Show(context, await context.Client.GetChainRuleAsync(parse.GetRequiredValue(name), cancellationToken).ConfigureAwait(false));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Delete(CommandRunner run)
    {
        var name = NameArgument();
        var command = new Command("delete", "Delete a chain rule; follow-ups already started go on") { name };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var ruleName = parse.GetRequiredValue(name);
            await context.Client.DeleteChainRuleAsync(ruleName, cancellationToken).ConfigureAwait(false);
            if (!context.Json)
            {
                context.Out.WriteLine($"Deleted chain rule {ruleName}.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>--when-status</c> values, each a status name (a comma-separated list works too); null when none is given.</summary>
    private static List<TaskStatus>? Statuses(string[]? values)
    {
        if (values is null || values.Length == 0)
        {
            return null;
        }

        return [.. values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(v =>
            !int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) && Enum.TryParse<TaskStatus>(v, ignoreCase: true, out var status)
                ? status
                : throw new UsageException($"--when-status is '{v}'; use a final status: Completed, Failed, TimedOut, Cancelled or RollbackFailed."))];
    }

    private static string When(ChainTrigger when) =>
        $"{when.Topic}/{when.Subtype ?? "*"} {string.Join(",", when.Status is { Count: > 0 } statuses ? statuses : [TaskStatus.Completed])}";

    private static void Show(CliContext context, ChainRuleView rule)
    {
        if (context.Json)
        {
            CliOutput.Json(context.Out, rule, ContractsJsonContext.Default.ChainRuleView);
            return;
        }

        CliOutput.Fields(context.Out,
        [
            ("name", rule.Name),
            ("when", When(rule.When)),
            ("then", $"{rule.Then.Topic}/{rule.Then.Subtype} {rule.Then.Payload.GetRawText()}"),
            ("created", CliOutput.Time(rule.Created)),
        ]);
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The chain rule's name" };
}
