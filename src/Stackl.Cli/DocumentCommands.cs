using System.CommandLine;
using System.Globalization;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary><c>docs get|put|patch|delete|list|history</c>.</summary>
internal static class DocumentCommands
{
    /// <summary>Adds the <c>docs</c> command to the root.</summary>
    /// <param name="root">The root command.</param>
    /// <param name="run">Binds an action with the CLI's error handling.</param>
    public static void Add(RootCommand root, CommandRunner run) =>
        root.Add(new Command("docs", "Read and write documents and their history") { Get(run), Put(run), Patch(run), Delete(run), List(run), History(run) });

    private static Argument<string> KeyArgument() => new("key") { Description = "The document key, type/name, e.g. environment/prod" };

    private static Command Get(CommandRunner run)
    {
        var key = KeyArgument();
        var version = new Option<long?>("--version") { Description = "Read this committed version instead of the current one", HelpName = "n" };
        var command = new Command("get", "Show a document's committed value (first line: key, version, lock owner)") { key, version };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            if (parse.GetValue(version) is { } number)
            {
                var entry = await context.Client.GetDocumentVersionAsync(parse.GetRequiredValue(key), number, cancellationToken).ConfigureAwait(false);
                if (context.Json)
                {
                    CliOutput.Json(context.Out, entry, ContractsJsonContext.Default.HistoryEntry);
                    return ExitCodes.Success;
                }

                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entry.Key} version {entry.Version}, committed by task {entry.TaskId} at {CliOutput.Time(entry.At)}"));
                WriteValue(context, entry.Value);
                return ExitCodes.Success;
            }

            var document = await context.Client.GetDocumentAsync(parse.GetRequiredValue(key), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, document, ContractsJsonContext.Default.DocumentView);
                return ExitCodes.Success;
            }

            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{document.Key} version {document.Version}{(document.LockedBy is { } owner ? $", locked by task {owner}" : "")}"));
            WriteValue(context, document.Value);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Put(CommandRunner run)
    {
        var key = KeyArgument();
        var value = new Argument<string>("value") { Description = "The new value: JSON, @file.json, or @- for standard input" };
        var wait = TaskCommands.WaitOption();
        var command = new Command("put", "Replace a document's value (runs a document/put task)") { key, value, wait };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var json = CliInput.Json(parse.GetRequiredValue(value), "value");
            var task = await context.Client.PutDocumentAsync(parse.GetRequiredValue(key), json, TaskCommands.FirstWait(parse.GetValue(wait)), cancellationToken).ConfigureAwait(false);
            return await TaskCommands.FollowSubmittedAsync(context, task, parse.GetValue(wait), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Patch(CommandRunner run)
    {
        var key = KeyArgument();
        var patch = new Argument<string>("patch") { Description = "A JSON merge patch (null removes a field): JSON, @file.json, or @-" };
        var wait = TaskCommands.WaitOption();
        var command = new Command("patch", "Merge-patch a document (runs a document/patch task)") { key, patch, wait };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var json = CliInput.Json(parse.GetRequiredValue(patch), "patch");
            var task = await context.Client.PatchDocumentAsync(parse.GetRequiredValue(key), json, TaskCommands.FirstWait(parse.GetValue(wait)), cancellationToken).ConfigureAwait(false);
            return await TaskCommands.FollowSubmittedAsync(context, task, parse.GetValue(wait), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command Delete(CommandRunner run)
    {
        var key = KeyArgument();
        var wait = TaskCommands.WaitOption();
        var command = new Command("delete", "Delete a document; its history stays (runs a document/delete task)") { key, wait };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var task = await context.Client.DeleteDocumentAsync(parse.GetRequiredValue(key), TaskCommands.FirstWait(parse.GetValue(wait)), cancellationToken).ConfigureAwait(false);
            return await TaskCommands.FollowSubmittedAsync(context, task, parse.GetValue(wait), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command List(CommandRunner run)
    {
        var prefix = new Argument<string?>("prefix") { Description = "Only keys that start with it, e.g. environment/", Arity = ArgumentArity.ZeroOrOne };
        var after = new Option<string?>("--after") { Description = "The next-page cursor printed by the previous page", HelpName = "key" };
        var limit = new Option<int?>("--limit") { Description = "The page size [default: the server's, 50]", HelpName = "n" };
        var command = new Command("list", "List existing documents in key order") { prefix, after, limit };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var page = await context.Client.ListDocumentsAsync(parse.GetValue(prefix), parse.GetValue(after), parse.GetValue(limit), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, page, ContractsJsonContext.Default.PageDocumentView);
                return ExitCodes.Success;
            }

            CliOutput.Table(context.Out, ["KEY", "VERSION", "LOCKED BY", "VALUE"], [.. page.Items.Select(d => new[]
            {
                d.Key,
                d.Version.ToString(CultureInfo.InvariantCulture),
                d.LockedBy ?? "",
                d.Value is { } value ? CliOutput.Short(value.GetRawText(), 60) : "",
            })]);
            TaskCommands.NextPage(context, page.Next);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command History(CommandRunner run)
    {
        var key = KeyArgument();
        var before = new Option<long?>("--before") { Description = "Only versions below this one (the next-page cursor)", HelpName = "version" };
        var limit = new Option<int?>("--limit") { Description = "The page size [default: the server's, 50]", HelpName = "n" };
        var command = new Command("history", "List a document's committed versions, newest first (docs get --version N reads one)") { key, before, limit };
        run.Bind(command, async (parse, context, cancellationToken) =>
        {
            var page = await context.Client.GetHistoryAsync(parse.GetRequiredValue(key), parse.GetValue(before), parse.GetValue(limit), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, page, ContractsJsonContext.Default.PageHistoryEntry);
                return ExitCodes.Success;
            }

            CliOutput.Table(context.Out, ["VERSION", "TASK", "AT", "VALUE"], [.. page.Items.Select(h => new[]
            {
                h.Version.ToString(CultureInfo.InvariantCulture),
                h.TaskId,
                CliOutput.Time(h.At),
                h.Value is { } value ? CliOutput.Short(value.GetRawText(), 60) : "(deleted)",
            })]);
            if (page.Next is { } next)
            {
                context.Err.WriteLine($"more: add --before {next}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteValue(CliContext context, System.Text.Json.JsonElement? value)
    {
        if (value is { } json)
        {
            CliOutput.Indented(context.Out, json);
        }
        else
        {
            context.Out.WriteLine("(deleted)");
        }
    }
}
