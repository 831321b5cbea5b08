using System.CommandLine;
using Stackl.Client;
using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary>Binds command actions so that every failure becomes a message on standard error and an exit code from <see cref="ExitCodes"/>.</summary>
/// <param name="global">The global options.</param>
/// <param name="console">The console.</param>
internal sealed class CommandRunner(GlobalOptions global, CliConsole console)
{
    /// <summary>Sets <paramref name="command"/>'s action.</summary>
    /// <param name="command">The command.</param>
    /// <param name="action">The action: answers an exit code.</param>
    public void Bind(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> action) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, action, cancellationToken));

    private async Task<int> RunAsync(ParseResult parse, Func<ParseResult, CliContext, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            using var context = CliContext.Create(parse, global, console);
            return await action(parse, context, cancellationToken).ConfigureAwait(false);
        }
        catch (UsageException usage)
        {
            return Fail(ExitCodes.BadInput, usage.Message);
        }
        catch (StacklAccessDeniedException denied)
        {
            return Fail(ExitCodes.Denied, $"{denied.Detail} ({(int)denied.StatusCode} {denied.Code})");
        }
        catch (StacklRateLimitedException limited)
        {
            var retry = limited.RetryAfter is { } after ? $"; retry after {Durations.Format(after)}" : string.Empty;
            return Fail(ExitCodes.Limited, $"{limited.Detail} ({(int)limited.StatusCode} {limited.Code}{retry})");
        }
        catch (StacklNotFoundException notFound)
        {
            return Fail(ExitCodes.NotFound, notFound.Detail);
        }
        catch (StacklApiException api) when ((int)api.StatusCode is >= 400 and < 500)
        {
            return Fail(ExitCodes.BadInput, $"{api.Detail} ({(int)api.StatusCode} {api.Code})");
        }
        catch (StacklApiException api)
        {
            return Fail(ExitCodes.Unavailable, $"{api.Detail} ({(int)api.StatusCode} {api.Code})");
        }
        catch (StacklException failure)
        {
            // Unreachable, or an answer that is not a silo's.
            return Fail(ExitCodes.Unavailable, failure.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(ExitCodes.Interrupted, "interrupted");
        }
    }

    private int Fail(int exitCode, string message)
    {
        console.Error.WriteLine($"stackl: {message}");
        return exitCode;
    }
}
