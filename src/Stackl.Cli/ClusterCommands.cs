using System.CommandLine;
using System.Globalization;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary><c>cluster</c> and <c>locks</c>.</summary>
internal static class ClusterCommands
{
    /// <summary>Adds the commands to the root.</summary>
    /// <param name="root">The root command.</param>
    /// <param name="run">Binds an action with the CLI's error handling.</param>
    public static void Add(RootCommand root, CommandRunner run)
    {
        var cluster = new Command("cluster", "Show the cluster's silos and the tasks by status");
        run.Bind(cluster, async (_, context, cancellationToken) =>
        {
            var view = await context.Client.GetClusterAsync(cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, view, ContractsJsonContext.Default.ClusterView);
                return ExitCodes.Success;
            }

            CliOutput.Table(context.Out, ["SILO", "STATUS", "LEASE RENEWED", "ACTIVATIONS"], [.. view.Silos.Select(s => new[]
            {
                s.Name == view.Self ? s.Name + " (answered)" : s.Name,
                s.Status,
                CliOutput.Time(s.LeaseRenewedAt),
                s.Activations?.ToString(CultureInfo.InvariantCulture) ?? "",
            })]);
            context.Out.WriteLine();
            CliOutput.Fields(context.Out, [.. view.Tasks.Select(t => (t.Key, t.Value.ToString(CultureInfo.InvariantCulture)))]);
            return ExitCodes.Success;
        });
        root.Add(cluster);

        var limit = new Option<int?>("--limit") { Description = "The most locks to list [default: the server's, 50]", HelpName = "n" };
        var locks = new Command("locks", "List held document locks with their owner task and lease") { limit };
        run.Bind(locks, async (parse, context, cancellationToken) =>
        {
            var held = await context.Client.ListLocksAsync(parse.GetValue(limit), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                CliOutput.Json(context.Out, held, ContractsJsonContext.Default.IReadOnlyListLockView);
                return ExitCodes.Success;
            }

            CliOutput.Table(context.Out, ["KEY", "OWNER", "LEASE UNTIL"], [.. held.Select(l => new[] { l.Key, l.Owner, l.LeaseUntil is { } until ? CliOutput.Time(until) : "" })]);
            return ExitCodes.Success;
        });
        root.Add(locks);
    }
}
