using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Client;

/// <summary>A client of one Stackl silo's HTTP API: tasks, documents, history, locks, schedules, chain rules and the cluster.</summary>
/// <remarks>
/// Errors are exceptions: a refused request throws a <see cref="StacklApiException"/> subclass carrying the server's status,
/// code and detail; an unknown task, document, version, schedule or chain rule always throws <see cref="StacklNotFoundException"/> (reads never
/// return null); an unreachable server throws <see cref="StacklConnectionException"/>. A task that ends Failed, TimedOut,
/// Cancelled or RollbackFailed is not an error of the call: it is returned, with its <see cref="TaskView.Error"/>.
/// Waits longer than <see cref="StacklClientOptions.MaxServerWait"/> are made of several bounded server waits.
/// </remarks>
public interface IStacklClient
{
    /// <summary>Submits a task and waits up to <paramref name="wait"/> for it to become final.</summary>
    /// <remarks>A repeated submit with the same <see cref="TaskSpec.IdempotencyKey"/> returns the first task instead of a new one.</remarks>
    /// <param name="spec">The task: handler, payload, documents, timeout, idempotency key.</param>
    /// <param name="wait">How long to wait for the task to end: <see cref="StacklClientOptions.DefaultWait"/> when null, no wait when zero.</param>
    /// <param name="cancellationToken">Cancels the call (the wait); a task the server already accepted goes on.</param>
    /// <returns>The task: final when it ended within the wait, else as it is now.</returns>
    Task<TaskView> SubmitAsync(TaskSpec spec, TimeSpan? wait = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a task, optionally waiting up to <paramref name="wait"/> for it to become final.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="wait">How long to wait for the task to end; null or zero reads it now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task: final when it ended within the wait, else as it is now.</returns>
    Task<TaskView> GetAsync(string id, TimeSpan? wait = null, CancellationToken cancellationToken = default);

    /// <summary>Waits until a task is final.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="timeout">How long to wait; null waits until the task ends (every task has a deadline).</param>
    /// <param name="cancellationToken">Cancels the wait, not the task.</param>
    /// <returns>The final task, whatever its final status.</returns>
    /// <exception cref="StacklWaitTimeoutException">The timeout passed first; the task goes on.</exception>
    Task<TaskView> WaitAsync(string id, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Cancels a task that has not decided to commit; its rollback runs and it ends Cancelled.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="wait">How long to wait for the rollback to finish; null or zero answers at once.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task, <see cref="TaskStatus.Cancelled"/> or still <see cref="TaskStatus.RollingBack"/>.</returns>
    /// <exception cref="StacklConflictException">The task is already final (<c>task_final</c>) or committing (<c>task_committing</c>).</exception>
    Task<TaskView> CancelAsync(string id, TimeSpan? wait = null, CancellationToken cancellationToken = default);

    /// <summary>Lists tasks newest first.</summary>
    /// <param name="status">Only tasks in this status.</param>
    /// <param name="topic">Only tasks of this topic.</param>
    /// <param name="after">The <see cref="Page{T}.Next"/> cursor of the previous page.</param>
    /// <param name="limit">The page size (the server's default when null).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page; listed tasks carry no log lines (read a task for them).</returns>
    Task<Page<TaskView>> ListTasksAsync(TaskStatus? status = null, string? topic = null, string? after = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Streams a task's events: its status now, then every transition and log line until it is final.</summary>
    /// <remarks>
    /// The stream ends after the final status event, or earlier when the server closes it (a silo that stops): check
    /// the last event's status, or call <see cref="WaitAsync"/>, to know how the task ended.
    /// </remarks>
    /// <param name="id">The task id.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    IAsyncEnumerable<TaskEvent> WatchAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Reads a document's last committed value.</summary>
    /// <param name="key">The key, <c>type/name</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="StacklNotFoundException">The document was never written, or is deleted.</exception>
    Task<DocumentView> GetDocumentAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Replaces a document's value through a <c>document/put</c> task.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The new value (not JSON null: delete instead).</param>
    /// <param name="wait">How long to wait for the task: <see cref="StacklClientOptions.DefaultWait"/> when null.</param>
    /// <param name="cancellationToken">Cancels the call (the wait).</param>
    /// <returns>The task that writes it.</returns>
    Task<TaskView> PutDocumentAsync(string key, JsonElement value, TimeSpan? wait = null, CancellationToken cancellationToken = default);

    /// <summary>Applies a JSON merge patch (RFC 7386) to a document through a <c>document/patch</c> task.</summary>
    /// <param name="key">The key.</param>
    /// <param name="patch">The merge patch, a JSON object (a null member removes it).</param>
    /// <param name="wait">How long to wait for the task: <see cref="StacklClientOptions.DefaultWait"/> when null.</param>
    /// <param name="cancellationToken">Cancels the call (the wait).</param>
    /// <returns>The task that writes it.</returns>
    Task<TaskView> PatchDocumentAsync(string key, JsonElement patch, TimeSpan? wait = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a document through a <c>document/delete</c> task; its history stays.</summary>
    /// <param name="key">The key.</param>
    /// <param name="wait">How long to wait for the task: <see cref="StacklClientOptions.DefaultWait"/> when null.</param>
    /// <param name="cancellationToken">Cancels the call (the wait).</param>
    /// <returns>The task that deletes it (it fails with <c>not_found</c> when there is nothing to delete).</returns>
    Task<TaskView> DeleteDocumentAsync(string key, TimeSpan? wait = null, CancellationToken cancellationToken = default);

    /// <summary>Lists existing documents in key order.</summary>
    /// <param name="prefix">Only keys that start with it, e.g. <c>environment/</c>.</param>
    /// <param name="after">The <see cref="Page{T}.Next"/> cursor of the previous page.</param>
    /// <param name="limit">The page size (the server's default when null).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<Page<DocumentView>> ListDocumentsAsync(string? prefix = null, string? after = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Lists a document's committed versions, newest first.</summary>
    /// <param name="key">The key.</param>
    /// <param name="before">Only versions below this one (the <see cref="Page{T}.Next"/> cursor of the previous page).</param>
    /// <param name="limit">The page size (the server's default when null).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<Page<HistoryEntry>> GetHistoryAsync(string key, long? before = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Reads one committed version of a document.</summary>
    /// <param name="key">The key.</param>
    /// <param name="version">The version, from 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="StacklNotFoundException">The document has no such version.</exception>
    Task<HistoryEntry> GetDocumentVersionAsync(string key, long version, CancellationToken cancellationToken = default);

    /// <summary>Lists held document locks with their owner task and lease.</summary>
    /// <param name="limit">The most locks to list (the server's default when null).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<LockView>> ListLocksAsync(int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the cluster as the silo sees it: its silos and the task counts by status.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ClusterView> GetClusterAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a schedule: each due time of its cron starts one task (needs the grant to see every task, and to submit its task).</summary>
    /// <remarks>
    /// Each run's idempotency key is <c>schedule/&lt;name&gt;/&lt;due time&gt;</c> and its source <c>schedule/&lt;name&gt;</c>, so leave
    /// <see cref="TaskSpec.IdempotencyKey"/> null. Replacing a schedule keeps its run counts.
    /// </remarks>
    /// <param name="name">The name: 1 to 100 letters, digits, <c>_</c>, <c>.</c> or <c>-</c>.</param>
    /// <param name="spec">The cron, time zone, task, overlap, catch-up and whether it starts enabled.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklBadRequestException">422 <c>invalid_schedule</c> for a bad cron, time zone or name, or the task's own validation code.</exception>
    Task<ScheduleView> PutScheduleAsync(string name, ScheduleSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Reads a schedule with its next and last runs.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No schedule has this name.</exception>
    Task<ScheduleView> GetScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists schedules by name, one page.</summary>
    /// <param name="after">The <see cref="Page{T}.Next"/> cursor of the previous page.</param>
    /// <param name="limit">The page size (the server's default when null).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<Page<ScheduleView>> ListSchedulesAsync(string? after = null, int? limit = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a schedule; runs already started go on.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No schedule has this name.</exception>
    Task DeleteScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Pauses a schedule: no run starts until it is resumed.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No schedule has this name.</exception>
    Task<ScheduleView> PauseScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Resumes a schedule; the runs it missed while paused are made up for as its <see cref="ScheduleSpec.CatchUp"/> says.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No schedule has this name.</exception>
    Task<ScheduleView> ResumeScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Starts a run of a schedule now, outside its cron, and answers with the run's task (as accepted: wait for it with <see cref="WaitAsync"/>).</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No schedule has this name.</exception>
    Task<TaskView> TriggerScheduleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a chain rule: each finished task it matches starts one follow-up task (needs the grant to see every task, and to submit the follow-up).</summary>
    /// <remarks>
    /// The follow-up's payload (an object) gets a <c>parent</c> field: the finished task's id, topic, subtype, status and result. Its
    /// idempotency key is the rule's name and the finished task's id, and its source <c>chain/&lt;name&gt;</c>, so leave
    /// <see cref="TaskSpec.IdempotencyKey"/> null.
    /// </remarks>
    /// <param name="name">1 to 100 letters, digits, '_', '.' or '-', starting with a letter or digit.</param>
    /// <param name="rule">When it fires (a null <see cref="ChainTrigger.Status"/> means Completed) and the follow-up task.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The rule as stored.</returns>
    /// <exception cref="StacklBadRequestException">422 <c>invalid_chain</c> for a bad name, trigger or follow-up, or the follow-up's own validation code.</exception>
    Task<ChainRuleView> PutChainRuleAsync(string name, ChainRuleSpec rule, CancellationToken cancellationToken = default);

    /// <summary>Reads a chain rule.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No chain rule has this name.</exception>
    Task<ChainRuleView> GetChainRuleAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists every chain rule by name.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<IReadOnlyList<ChainRuleView>> ListChainRulesAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a chain rule; follow-ups already started go on.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No chain rule has this name.</exception>
    Task DeleteChainRuleAsync(string name, CancellationToken cancellationToken = default);
}
