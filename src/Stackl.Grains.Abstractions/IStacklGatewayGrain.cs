using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Grains.Abstractions;

/// <summary>The cluster client's front door: the calls of the HTTP API as one grain, answered by the silo whose gateway received them.</summary>
/// <remarks>
/// Call it with the key <see cref="Key"/>. It is a stateless worker: it runs on the gateway's silo, holds nothing, and any silo
/// answers after another died. A refused call throws <see cref="StacklGatewayException"/> carrying the HTTP API's status and code
/// for the same problem. Waits are bounded by the caller: keep each one well below the client's response timeout.
/// </remarks>
public interface IStacklGatewayGrain : IGrainWithIntegerKey
{
    /// <summary>The grain key to call.</summary>
    const long Key = 0;

    /// <summary>Validates and submits a task, then waits up to <paramref name="wait"/> for it to become final.</summary>
    /// <param name="spec">The task.</param>
    /// <param name="wait">The longest wait; zero answers once the task is accepted.</param>
    /// <returns>The task: final when it ended within the wait, else as it is now.</returns>
    Task<TaskView> SubmitAsync(TaskSpec spec, TimeSpan wait);

    /// <summary>Reads a task, waiting up to <paramref name="wait"/> for it to become final.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="wait">The longest wait; zero reads it now.</param>
    /// <returns>The task; 404 when no task has this id.</returns>
    Task<TaskView> GetAsync(string id, TimeSpan wait);

    /// <summary>Cancels a task that has not decided to commit, then waits up to <paramref name="wait"/> for its rollback.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="wait">The longest wait.</param>
    /// <returns>The task; 409 <c>task_final</c> or <c>task_committing</c> when it cannot be cancelled.</returns>
    Task<TaskView> CancelAsync(string id, TimeSpan wait);

    /// <summary>Lists tasks newest first.</summary>
    /// <param name="status">Only tasks in this status.</param>
    /// <param name="topic">Only tasks of this topic.</param>
    /// <param name="after">The previous page's cursor.</param>
    /// <param name="limit">The page size; the server's default when null.</param>
    Task<Page<TaskView>> ListTasksAsync(TaskStatus? status, string? topic, string? after, int? limit);

    /// <summary>Reads a document's last committed value; 404 when it never existed or is deleted.</summary>
    /// <param name="key">The key.</param>
    Task<DocumentView> GetDocumentAsync(string key);

    /// <summary>Submits <c>document/put</c> and waits up to <paramref name="wait"/> for it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The new value (not JSON null).</param>
    /// <param name="wait">The longest wait.</param>
    Task<TaskView> PutDocumentAsync(string key, JsonElement value, TimeSpan wait);

    /// <summary>Submits <c>document/patch</c> (a JSON merge patch) and waits up to <paramref name="wait"/> for it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="patch">The merge patch, a JSON object.</param>
    /// <param name="wait">The longest wait.</param>
    Task<TaskView> PatchDocumentAsync(string key, JsonElement patch, TimeSpan wait);

    /// <summary>Submits <c>document/delete</c> and waits up to <paramref name="wait"/> for it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="wait">The longest wait.</param>
    Task<TaskView> DeleteDocumentAsync(string key, TimeSpan wait);

    /// <summary>Lists existing documents in key order.</summary>
    /// <param name="prefix">Only keys that start with it.</param>
    /// <param name="after">The previous page's cursor.</param>
    /// <param name="limit">The page size; the server's default when null.</param>
    Task<Page<DocumentView>> ListDocumentsAsync(string? prefix, string? after, int? limit);

    /// <summary>Lists a document's committed versions, newest first.</summary>
    /// <param name="key">The key.</param>
    /// <param name="before">Only versions below this one.</param>
    /// <param name="limit">The page size; the server's default when null.</param>
    Task<Page<HistoryEntry>> GetHistoryAsync(string key, long? before, int? limit);

    /// <summary>Reads one committed version of a document; 404 when there is no such version.</summary>
    /// <param name="key">The key.</param>
    /// <param name="version">The version.</param>
    Task<HistoryEntry> GetDocumentVersionAsync(string key, long version);

    /// <summary>Lists held document locks.</summary>
    /// <param name="limit">The most locks; the server's default when null.</param>
    Task<LockView[]> ListLocksAsync(int? limit);

    /// <summary>The cluster as the answering silo sees it.</summary>
    Task<ClusterView> GetClusterAsync();

    /// <summary>Creates or replaces a schedule; 422 <c>invalid_schedule</c> (or the task's own code) when it is invalid.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="spec">The schedule.</param>
    Task<ScheduleView> PutScheduleAsync(string name, ScheduleSpec spec);

    /// <summary>Reads a schedule; 404 when there is none.</summary>
    /// <param name="name">The schedule's name.</param>
    Task<ScheduleView> GetScheduleAsync(string name);

    /// <summary>Lists schedules by name.</summary>
    /// <param name="after">The previous page's cursor.</param>
    /// <param name="limit">The page size; the server's default when null.</param>
    Task<Page<ScheduleView>> ListSchedulesAsync(string? after, int? limit);

    /// <summary>Deletes a schedule; 404 when there is none.</summary>
    /// <param name="name">The schedule's name.</param>
    Task DeleteScheduleAsync(string name);

    /// <summary>Pauses (<paramref name="enabled"/> false) or resumes a schedule; 404 when there is none.</summary>
    /// <param name="name">The schedule's name.</param>
    /// <param name="enabled">True to resume.</param>
    Task<ScheduleView> SetScheduleEnabledAsync(string name, bool enabled);

    /// <summary>Starts a run of a schedule now; answers its task; 404 when there is no such schedule.</summary>
    /// <param name="name">The schedule's name.</param>
    Task<TaskView> TriggerScheduleAsync(string name);

    /// <summary>Creates or replaces a chain rule; 422 <c>invalid_chain</c> (or the follow-up's own code) when it is invalid.</summary>
    /// <param name="name">The rule's name.</param>
    /// <param name="rule">The rule.</param>
    Task<ChainRuleView> PutChainRuleAsync(string name, ChainRuleSpec rule);

    /// <summary>Reads a chain rule; 404 when there is none.</summary>
    /// <param name="name">The rule's name.</param>
    Task<ChainRuleView> GetChainRuleAsync(string name);

    /// <summary>Lists every chain rule by name.</summary>
    Task<ChainRuleView[]> ListChainRulesAsync();

    /// <summary>Deletes a chain rule; 404 when there is none.</summary>
    /// <param name="name">The rule's name.</param>
    Task DeleteChainRuleAsync(string name);
}
