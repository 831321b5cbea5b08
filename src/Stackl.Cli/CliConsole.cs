namespace Stackl.Cli;

/// <summary>Where a command writes: its results to <see cref="Output"/>, progress and errors to <see cref="Error"/>.</summary>
/// <param name="Output">Results (what a script reads).</param>
/// <param name="Error">Progress lines and error messages.</param>
/// <param name="IsTerminal">True when a person watches the output: progress is a live Spectre status line instead of plain lines.</param>
/// <param name="HandleTermination">True to turn Ctrl+C and SIGTERM into cancellation (the real process; not tests running commands in process).</param>
internal sealed record CliConsole(TextWriter Output, TextWriter Error, bool IsTerminal, bool HandleTermination)
{
    /// <summary>The process's console.</summary>
    public static CliConsole FromProcess() =>
        new(Console.Out, Console.Error, IsTerminal: !Console.IsOutputRedirected && !Console.IsErrorRedirected, HandleTermination: true);

    /// <summary>Writers that a test reads (never a terminal).</summary>
    /// <param name="output">Results.</param>
    /// <param name="error">Progress and errors.</param>
    public static CliConsole Captured(TextWriter output, TextWriter error) => new(output, error, IsTerminal: false, HandleTermination: false);
}
