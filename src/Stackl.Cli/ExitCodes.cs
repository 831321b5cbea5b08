using Stackl.Contracts;

namespace Stackl.Cli;

/// <summary>The exit codes scripts branch on; <c>stackl --help</c> and the README list them.</summary>
internal static class ExitCodes
{
    /// <summary>The command worked; a task it reports ended Completed.</summary>
    public const int Success = 0;

    /// <summary>A task ended Failed, TimedOut, Cancelled or RollbackFailed.</summary>
    public const int TaskNotCompleted = 1;

    /// <summary>Usage error or bad input: the server refused it with a 4xx (not 404).</summary>
    public const int BadInput = 2;

    /// <summary>The task, document or version does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>The server is unreachable or failed (5xx).</summary>
    public const int Unavailable = 4;

    /// <summary>The wait ended before the task was final; the task goes on.</summary>
    public const int NotFinal = 5;

    /// <summary>The server refused the credentials (401: none, unknown or revoked) or the role (403).</summary>
    public const int Denied = 6;

    /// <summary>The server answered 429: the API key is over one of its limits (Stackl:Limits); nothing was done, retry later.</summary>
    public const int Limited = 7;

    /// <summary>Stopped by Ctrl+C or SIGTERM (the shell convention); a task it submitted goes on.</summary>
    public const int Interrupted = 130;

    /// <summary>The lines of <c>stackl --help</c> that explain the codes.</summary>
    public const string Help = """
        Exit codes:
          0  success; a task the command reports ended Completed
          1  the task ended Failed, TimedOut, Cancelled or RollbackFailed
          2  usage error or bad input (the server answered 4xx)
          3  the task, document or version was not found
          4  the server is unreachable or failed (5xx)
          5  the wait ended before the task was final (it goes on)
          6  refused: no or invalid credentials (401), or the role may not (403)
          7  over a limit of the server (429): nothing was done; retry later
          130 interrupted (Ctrl+C); a submitted task goes on
        """;

    /// <summary>The code for a task a command waited for: 0 Completed, 1 for the other final statuses, 5 while not final.</summary>
    /// <param name="task">The task.</param>
    public static int ForTask(TaskView task) =>
        task.Status == TaskStatus.Completed ? Success : task.Status.IsFinal() ? TaskNotCompleted : NotFinal;
}
