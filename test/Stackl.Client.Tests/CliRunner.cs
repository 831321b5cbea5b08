using Stackl.Cli;

namespace Stackl.Client.Tests;

/// <summary>What one <c>stackl</c> run printed and answered.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Out">Standard output.</param>
/// <param name="Err">Standard error.</param>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>Runs the CLI's entry point in this process, with captured output, against a silo.</summary>
internal static class CliRunner
{
    public static async Task<CliResult> RunAsync(Uri server, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var exitCode = await StacklCli.RunAsync([.. args, "--server", server.ToString()], CliConsole.Captured(output, error), timeout.Token);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
