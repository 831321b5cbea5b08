using System.CommandLine;

namespace Stackl.Cli;

/// <summary>The <c>stackl</c> command tree and its entry point, callable in process (tests run it with captured writers).</summary>
internal static class StacklCli
{
    /// <summary>Parses <paramref name="args"/> and runs the command.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where it writes.</param>
    /// <param name="cancellationToken">Cancels the command (as Ctrl+C does).</param>
    /// <returns>An exit code from <see cref="ExitCodes"/>.</returns>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = Build(console);
        // No response files: '@file.json' is how a payload is read from a file, not a list of more arguments.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var invocation = new InvocationConfiguration
        {
            Output = console.Output,
            Error = console.Error,
            ProcessTerminationTimeout = console.HandleTermination ? TimeSpan.FromSeconds(2) : null,
        };
        var exitCode = await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);

        // System.CommandLine answers 1 for a malformed command line; scripts read 1 as "the task failed", so usage errors are 2.
        return parse.Errors.Count > 0 ? ExitCodes.BadInput : exitCode;
    }

    /// <summary>Builds the command tree.</summary>
    /// <param name="console">Where commands write.</param>
    public static RootCommand Build(CliConsole console)
    {
        var global = new GlobalOptions();
        var root = new RootCommand($"""
            stackl: submit, wait for, watch and cancel Stackl tasks; read and write documents and their history; run tasks on a schedule or when others finish.

            {ExitCodes.Help}
            """)
        {
            global.Server,
            global.ApiKey,
            global.Json,
        };
        var run = new CommandRunner(global, console);
        TaskCommands.Add(root, run);
        FlowCommands.Add(root, run);
        DocumentCommands.Add(root, run);
        ClusterCommands.Add(root, run);
        KeyCommands.Add(root, run);
        ScheduleCommands.Add(root, run);
        ChainCommands.Add(root, run);
        return root;
    }
}
