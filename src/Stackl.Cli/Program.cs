namespace Stackl.Cli;

/// <summary>The <c>stackl</c> executable.</summary>
internal static class Program
{
    /// <summary>Runs one command against the server named by <c>--server</c> or <c>STACKL_SERVER</c>.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>An exit code from <see cref="ExitCodes"/>.</returns>
    public static Task<int> Main(string[] args) => StacklCli.RunAsync(args, CliConsole.FromProcess());
}
