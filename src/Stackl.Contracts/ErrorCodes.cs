namespace Stackl.Contracts;

/// <summary>Stable error codes of tasks and of rejected requests.</summary>
public static class ErrorCodes
{
    /// <summary>No handler is registered for the topic/subtype.</summary>
    public const string UnknownTopic = "unknown_topic";

    /// <summary>The payload does not match the handler's payload type.</summary>
    public const string InvalidPayload = "invalid_payload";

    /// <summary>A document key is malformed.</summary>
    public const string InvalidDocumentKey = "invalid_document_key";

    /// <summary>The timeout is not positive or above the maximum.</summary>
    public const string InvalidTimeout = "invalid_timeout";

    /// <summary>A transaction's assert did not hold.</summary>
    public const string AssertFailed = "assert_failed";

    /// <summary>A JSON pointer named a path that does not exist.</summary>
    public const string PathNotFound = "path_not_found";

    /// <summary>A document was not at the expected version.</summary>
    public const string VersionMismatch = "version_mismatch";

    /// <summary>The task's deadline passed.</summary>
    public const string TimedOut = "timed_out";

    /// <summary>The task was cancelled.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The handler threw.</summary>
    public const string HandlerFailed = "handler_failed";

    /// <summary>A revert action failed during rollback.</summary>
    public const string RollbackFailed = "rollback_failed";

    /// <summary>The silo running the task died before its decision; the task was rolled back.</summary>
    public const string SiloLost = "silo_lost";

    /// <summary>A document's lock lease ran out before the task committed.</summary>
    public const string LockLost = "lock_lost";

    /// <summary>A number op's result (or operand) is outside what Stackl computes exactly: an integer sum beyond 64 bits, a decimal beyond about ±7.9e28; nothing was changed.</summary>
    public const string NumberOutOfRange = "number_out_of_range";

    /// <summary>Another activation of a document wrote it first (two silos ran it at once after a membership change or a partition); the task was rolled back.</summary>
    public const string StaleActivation = "stale_activation";

    /// <summary>The request is malformed (bad JSON, a wrong type, a missing field).</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>The request body is larger than the server accepts.</summary>
    public const string PayloadTooLarge = "payload_too_large";

    /// <summary>The requested task or document does not exist.</summary>
    public const string NotFound = "not_found";

    /// <summary>503: the silo cannot serve the request now (it is starting, stopping, or a grain call timed out); retry.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>503: the database cannot be reached; nothing was changed; retry after the <c>Retry-After</c> seconds.</summary>
    public const string StorageUnavailable = "storage_unavailable";

    /// <summary>401: the request carries no credentials, or a key or token that is unknown, revoked or expired.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>403: the credentials are valid but their role is not granted what the request asks for; nothing was changed.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>429: the principal sent more requests a second than <c>Stackl:Limits:RequestsPerSecond</c> allows; nothing was done; retry after the <c>Retry-After</c> seconds.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>429: the principal holds <c>Stackl:Limits:MaxOpenWaits</c> requests with <c>?wait=</c> open on the silo; nothing was done.</summary>
    public const string TooManyWaits = "too_many_waits";

    /// <summary>429: the principal holds <c>Stackl:Limits:MaxStreams</c> event streams open on the silo.</summary>
    public const string TooManyStreams = "too_many_streams";

    /// <summary>429: the principal has <c>Stackl:Limits:MaxTasksInFlight</c> tasks submitted through the silo that are not final; nothing was stored.</summary>
    public const string TooManyTasks = "too_many_tasks";

    /// <summary>A flow's definition is invalid (a requirement without a provider, a cycle, an unknown handler); the message names the step.</summary>
    public const string InvalidFlow = "invalid_flow";

    /// <summary>A step of a flow failed after its retries; the flow rolled back and the message names the step.</summary>
    public const string StepFailed = "step_failed";

    /// <summary>A step did not finish within its own timeout.</summary>
    public const string StepTimedOut = "step_timed_out";

    /// <summary>A schedule's definition is invalid (cron, time zone, overlap, catch-up or name); nothing was stored.</summary>
    public const string InvalidSchedule = "invalid_schedule";

    /// <summary>A chain rule is invalid (its trigger or its follow-up task); nothing was stored.</summary>
    public const string InvalidChain = "invalid_chain";
}
