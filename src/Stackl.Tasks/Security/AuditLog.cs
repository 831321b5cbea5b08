using Microsoft.Extensions.Logging;

namespace Stackl.Tasks.Security;

/// <summary>
/// The audit trail: one log event per state-changing request (HTTP API and cluster gateway), in the category
/// <see cref="Category"/>, with the principal, the action, the target and the outcome as fields. Never a secret.
/// </summary>
public static partial class AuditLog
{
    /// <summary>The log category of audit events, so a deployment can route them to their own sink.</summary>
    public const string Category = "Stackl.Audit";

    /// <summary>Outcome of a request that changed what it asked for.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Outcome of a request refused before it changed anything (4xx).</summary>
    public const string Refused = "refused";

    /// <summary>Outcome of a request that failed on the silo's side (5xx).</summary>
    public const string Failed = "failed";

    /// <summary>The outcome of an HTTP status.</summary>
    /// <param name="status">The status code.</param>
    public static string OutcomeOf(int status) => status < 400 ? Succeeded : status < 500 ? Refused : Failed;

    /// <summary>Writes one audit event.</summary>
    /// <param name="logger">A logger of <see cref="Category"/>.</param>
    /// <param name="principal">Who asked (<c>unauthenticated</c> when no credentials were accepted).</param>
    /// <param name="action">What was asked, e.g. <c>SubmitTask</c>.</param>
    /// <param name="target">What it was asked of: a task id, a document key, a key name, a path.</param>
    /// <param name="outcome"><see cref="Succeeded"/>, <see cref="Refused"/> or <see cref="Failed"/>.</param>
    /// <param name="status">The HTTP status (or the gateway's equivalent).</param>
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Audit: {Principal} {Action} {Target}: {Outcome} ({Status})")]
    public static partial void Write(ILogger logger, string principal, string action, string target, string outcome, int status);
}
