using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Stackl.Contracts;
using Stackl.Grains.Abstractions;
using Stackl.Tasks.Chains;
using Stackl.Tasks.Queries;
using Stackl.Tasks.Schedules;
using Stackl.Tasks.Security;

namespace Stackl.Tasks.Gateway;

/// <summary>The cluster clients' front door: the HTTP API's calls, with its validation, limits and errors, over <see cref="TaskService"/> and the indexes.</summary>
/// <remarks>
/// A stateless worker runs on the silo whose gateway received the call, so no directory entry ties a client to a silo that may die;
/// reentrant, because every call only awaits others (a wait must not hold up the next client).
/// </remarks>
[GrainType("stackl-gateway")]
[StatelessWorker]
[Reentrant]
internal sealed class StacklGatewayGrain(
    TaskService service,
    ScheduleService schedules,
    ChainService chains,
    ITaskIndex taskIndex,
    IDocumentIndex documentIndex,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<StacklGatewayOptions> options,
    ApiKeyService keys,
    AuthPolicy policy,
    ILoggerFactory loggers,
    ILogger<StacklGatewayGrain> logger) : Grain, IStacklGatewayGrain
{
    /// <summary>What document writes record as their producer where the cluster is open (an authenticated caller is the source).</summary>
    private const string Source = "cluster-client";

    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly ILogger _audit = loggers.CreateLogger(AuditLog.Category);

    private StacklGatewayOptions Options => options.Value;

    /// <inheritdoc />
    public Task<TaskView> SubmitAsync(TaskSpec spec, TimeSpan wait) => GuardAsync(nameof(SubmitAsync), async caller =>
    {
        if (spec is null)
        {
            throw GatewayErrors.Invalid("The task spec is missing: pass a TaskSpec such as new TaskSpec(\"demo\", \"echo\", payload).");
        }

        // The shape checks the HTTP API makes while it parses the body (400), before the domain's own (422).
        if (string.IsNullOrEmpty(spec.Topic) || string.IsNullOrEmpty(spec.Subtype))
        {
            throw GatewayErrors.Invalid($"{(string.IsNullOrEmpty(spec.Topic) ? "topic" : "subtype")} is required and must be a non-empty string.");
        }

        return await service.SubmitAsync(spec.Payload.ValueKind == JsonValueKind.Undefined ? spec with { Payload = s_emptyObject } : spec, Wait(wait), caller);
    });

    /// <inheritdoc />
    public Task<TaskView> GetAsync(string id, TimeSpan wait) => GuardAsync(nameof(GetAsync), async caller =>
    {
        if (caller.Grants.Tasks != TaskScope.All)
        {
            // Whose task it is decides before any wait, as in the HTTP API.
            caller.DemandSee(await service.GetAsync(id) ?? throw GatewayErrors.UnknownTask(id));
        }

        return await service.GetAsync(id, Wait(wait)) ?? throw GatewayErrors.UnknownTask(id);
    });

    /// <inheritdoc />
    public Task<TaskView> CancelAsync(string id, TimeSpan wait) => GuardAsync(nameof(CancelAsync), async caller =>
    {
        var before = await service.GetAsync(id) ?? throw GatewayErrors.UnknownTask(id);
        caller.DemandCancel(before);
        if (before.Status.IsFinal())
        {
            throw new StacklGatewayException(GatewayErrors.Conflict, "task_final", $"Task {id} is already {before.Status}; a final status never changes.");
        }

        var after = await service.CancelAsync(id, caller) ?? before;
        if (after.Status == TaskStatus.Running || (after.Status.IsFinal() && after.Status != TaskStatus.Cancelled))
        {
            throw new StacklGatewayException(GatewayErrors.Conflict, "task_committing", $"Task {id} had already decided to commit and cannot be cancelled; it completes. Its status is {after.Status}.");
        }

        return await AnswerAsync(after, wait);
    });

    /// <inheritdoc />
    public Task<Page<TaskView>> ListTasksAsync(TaskStatus? status, string? topic, string? after, int? limit) => GuardAsync(nameof(ListTasksAsync), async caller =>
    {
        var size = Limit(limit);
        var items = await taskIndex.ListAsync(new TaskQuery(status, string.IsNullOrEmpty(topic) ? null : topic, string.IsNullOrEmpty(after) ? null : after, size, caller.ListedSource()));
        return new Page<TaskView>(items, items.Count == size ? items[^1].Id : null);
    });

    /// <inheritdoc />
    public Task<DocumentView> GetDocumentAsync(string key) => GuardAsync(nameof(GetDocumentAsync), async caller =>
    {
        var checkedKey = GatewayErrors.Key(key);
        caller.DemandRead(checkedKey);
        var document = await service.GetDocumentAsync(checkedKey);
        return document switch
        {
            { Value: not null } => document,
            { Version: 0 } => throw new StacklGatewayException(GatewayErrors.NotFound, ErrorCodes.NotFound, $"Document {document.Key} does not exist; create it with PutDocumentAsync."),
            _ => throw new StacklGatewayException(GatewayErrors.NotFound, ErrorCodes.NotFound, $"Document {document.Key} was deleted at version {document.Version}; its history is kept (GetHistoryAsync)."),
        };
    });

    /// <inheritdoc />
    public Task<TaskView> PutDocumentAsync(string key, JsonElement value, TimeSpan wait) => GuardAsync(nameof(PutDocumentAsync), caller =>
    {
        var checkedKey = GatewayErrors.Key(key);
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw GatewayErrors.Invalid("The value is JSON null; use DeleteDocumentAsync to delete a document.");
        }

        return SubmitDocumentTaskAsync(caller, "put", new JsonObject { ["key"] = checkedKey, ["value"] = JsonNode.Parse(value.GetRawText()) }, wait);
    });

    /// <inheritdoc />
    public Task<TaskView> PatchDocumentAsync(string key, JsonElement patch, TimeSpan wait) => GuardAsync(nameof(PatchDocumentAsync), caller =>
    {
        var checkedKey = GatewayErrors.Key(key);
        if (patch.ValueKind != JsonValueKind.Object)
        {
            throw GatewayErrors.Invalid($"The patch is a JSON {patch.ValueKind.ToString().ToLowerInvariant()}; a merge patch is a JSON object such as {{\"replicas\": 3, \"debug\": null}}.");
        }

        return SubmitDocumentTaskAsync(caller, "patch", new JsonObject { ["key"] = checkedKey, ["patch"] = JsonNode.Parse(patch.GetRawText()) }, wait);
    });

    /// <inheritdoc />
    public Task<TaskView> DeleteDocumentAsync(string key, TimeSpan wait) => GuardAsync(nameof(DeleteDocumentAsync), caller =>
        SubmitDocumentTaskAsync(caller, "delete", new JsonObject { ["key"] = GatewayErrors.Key(key) }, wait));

    /// <inheritdoc />
    public Task<Page<DocumentView>> ListDocumentsAsync(string? prefix, string? after, int? limit) => GuardAsync(nameof(ListDocumentsAsync), async caller =>
    {
        caller.DemandReadUnder(string.IsNullOrEmpty(prefix) ? null : prefix);
        var size = Limit(limit);
        var items = await documentIndex.ListAsync(string.IsNullOrEmpty(prefix) ? null : prefix, string.IsNullOrEmpty(after) ? null : after, size);
        return new Page<DocumentView>(items, items.Count == size ? items[^1].Key : null);
    });

    /// <inheritdoc />
    public Task<Page<HistoryEntry>> GetHistoryAsync(string key, long? before, int? limit) => GuardAsync(nameof(GetHistoryAsync), async caller =>
    {
        var checkedKey = GatewayErrors.Key(key);
        caller.DemandRead(checkedKey);
        var size = Limit(limit);
        var entries = await documentIndex.HistoryAsync(checkedKey, before, size);
        return new Page<HistoryEntry>(entries, entries.Count == size ? entries[^1].Version.ToString(CultureInfo.InvariantCulture) : null);
    });

    /// <inheritdoc />
    public Task<HistoryEntry> GetDocumentVersionAsync(string key, long version) => GuardAsync(nameof(GetDocumentVersionAsync), async caller =>
    {
        var checkedKey = GatewayErrors.Key(key);
        caller.DemandRead(checkedKey);
        return await documentIndex.GetVersionAsync(checkedKey, version)
            ?? throw new StacklGatewayException(GatewayErrors.NotFound, ErrorCodes.NotFound, $"Document {checkedKey} has no version {version}; list its versions with GetHistoryAsync.");
    });

    /// <inheritdoc />
    public Task<LockView[]> ListLocksAsync(int? limit) => GuardAsync(nameof(ListLocksAsync), async caller =>
        (await documentIndex.ListLocksAsync(Limit(limit))).Where(l => caller.CanRead(l.Key)).ToArray());

    /// <inheritdoc />
    public Task<ClusterView> GetClusterAsync() => GuardAsync(nameof(GetClusterAsync), async caller =>
    {
        // As GET /api/cluster answers it (Stackl.Silo's ClusterApi): membership, this silo's activations, task counts.
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var statistics = await management.GetRuntimeStatistics([silo.SiloAddress]);
        var activations = statistics.Length == 0 ? 0 : statistics[0].ActivationCount;
        var counts = await taskIndex.CountByStatusAsync();
        return new ClusterView(
            silo.Name,
            [.. hosts.Select(h => new SiloView(h.SiloName, h.Status.ToString(), new DateTimeOffset(DateTime.SpecifyKind(h.IAmAliveTime, DateTimeKind.Utc)), h.SiloAddress.Equals(silo.SiloAddress) ? activations : null))],
            counts.ToDictionary(c => c.Key.ToString(), c => c.Value));
    });

    /// <inheritdoc />
    public Task<ScheduleView> PutScheduleAsync(string name, ScheduleSpec spec) => GuardAsync(nameof(PutScheduleAsync), caller =>
    {
        if (spec?.Task is null)
        {
            throw GatewayErrors.Invalid($"The {(spec is null ? "schedule" : "schedule's task")} is missing: pass a ScheduleSpec such as new ScheduleSpec(\"0 */5 * * * *\", new TaskSpec(\"demo\", \"echo\", payload)).");
        }

        // The shape checks the HTTP API makes while it parses the body (400), before the domain's own (422).
        if (string.IsNullOrEmpty(spec.Cron))
        {
            throw GatewayErrors.Invalid("cron is required: a cron expression such as \"0 */5 * * * *\" (with seconds) or \"*/5 * * * *\".");
        }

        return schedules.PutAsync(name, spec with { Task = TaskOf(spec.Task, "task") }, caller);
    });

    /// <inheritdoc />
    public Task<ScheduleView> GetScheduleAsync(string name) => GuardAsync(nameof(GetScheduleAsync), async caller =>
        await schedules.GetAsync(name, caller) ?? throw GatewayErrors.UnknownSchedule(name));

    /// <inheritdoc />
    public Task<Page<ScheduleView>> ListSchedulesAsync(string? after, int? limit) => GuardAsync(nameof(ListSchedulesAsync), async caller =>
    {
        var size = Limit(limit);
        var items = await schedules.ListAsync(string.IsNullOrEmpty(after) ? null : after, size, caller);
        return new Page<ScheduleView>(items, items.Count == size ? items[^1].Name : null);
    });

    /// <inheritdoc />
    public Task DeleteScheduleAsync(string name) => GuardAsync(nameof(DeleteScheduleAsync), async caller =>
        await schedules.DeleteAsync(name, caller) ? true : throw GatewayErrors.UnknownSchedule(name));

    /// <inheritdoc />
    public Task<ScheduleView> SetScheduleEnabledAsync(string name, bool enabled) => GuardAsync(nameof(SetScheduleEnabledAsync), async caller =>
        await schedules.SetEnabledAsync(name, enabled, caller) ?? throw GatewayErrors.UnknownSchedule(name));

    /// <inheritdoc />
    public Task<TaskView> TriggerScheduleAsync(string name) => GuardAsync(nameof(TriggerScheduleAsync), async caller =>
        await schedules.TriggerAsync(name, caller) ?? throw GatewayErrors.UnknownSchedule(name));

    /// <inheritdoc />
    public Task<ChainRuleView> PutChainRuleAsync(string name, ChainRuleSpec rule) => GuardAsync(nameof(PutChainRuleAsync), caller =>
    {
        // The shape checks the HTTP API makes while it parses the body (400), before the domain's own (422).
        if (rule?.When is null || rule.Then is null)
        {
            throw GatewayErrors.Invalid($"The {(rule is null ? "chain rule" : rule.When is null ? "rule's trigger (when)" : "rule's follow-up task (then)")} is missing: pass a ChainRuleSpec such as new ChainRuleSpec(new ChainTrigger(\"demo\", \"echo\"), new TaskSpec(\"demo\", \"sleep\", payload)).");
        }

        if (rule.When.Topic is null)
        {
            throw GatewayErrors.Invalid("when.topic must be a string.");
        }

        return chains.PutAsync(name, rule with { Then = TaskOf(rule.Then, "then") }, caller);
    });

    /// <inheritdoc />
    public Task<ChainRuleView> GetChainRuleAsync(string name) => GuardAsync(nameof(GetChainRuleAsync), async caller =>
        await chains.GetAsync(name, caller) ?? throw GatewayErrors.UnknownChainRule(name));

    /// <inheritdoc />
    public Task<ChainRuleView[]> ListChainRulesAsync() => GuardAsync(nameof(ListChainRulesAsync), async caller =>
        (await chains.ListAsync(caller)).ToArray());

    /// <inheritdoc />
    public Task DeleteChainRuleAsync(string name) => GuardAsync(nameof(DeleteChainRuleAsync), async caller =>
        await chains.DeleteAsync(name, caller) ? true : throw GatewayErrors.UnknownChainRule(name));

    private async Task<TaskView> SubmitDocumentTaskAsync(StacklPrincipal caller, string subtype, JsonObject payload, TimeSpan wait)
    {
        var spec = new TaskSpec("document", subtype, JsonSerializer.SerializeToElement(payload, TasksJsonContext.Default.JsonNode), Source: caller.IsAuthenticated ? null : Source);
        return await service.SubmitAsync(spec, Wait(wait), caller);
    }

    /// <summary>The task, or after up to <paramref name="wait"/> the task final (as the HTTP API's answer to <c>?wait=</c>).</summary>
    private async Task<TaskView> AnswerAsync(TaskView task, TimeSpan wait) =>
        !task.Status.IsFinal() && Wait(wait) is { } w ? await service.GetAsync(task.Id, w) ?? task : task;

    /// <summary>A wait as the HTTP API caps <c>?wait=</c>: null for none, at most <see cref="StacklGatewayOptions.MaxWait"/>.</summary>
    private TimeSpan? Wait(TimeSpan wait) => wait <= TimeSpan.Zero ? null : wait > Options.MaxWait ? Options.MaxWait : wait;

    /// <summary>A page size as the HTTP API bounds <c>?limit=</c>.</summary>
    private int Limit(int? limit) => limit switch
    {
        null => Options.DefaultPageSize,
        >= 1 and var l when l <= Options.MaxPageSize => l,
        _ => throw GatewayErrors.Invalid($"limit is {limit}; use a whole number from 1 to {Options.MaxPageSize}."),
    };

    private async Task<T> GuardAsync<T>(string operation, Func<StacklPrincipal, Task<T>> call)
    {
        StacklPrincipal? caller = null;
        try
        {
            caller = await GatewayCallers.AuthenticateAsync(keys, policy);
            var result = await call(caller);
            Audit(operation, caller, result, 200);
            return result;
        }
        catch (Exception exception)
        {
            var failure = GatewayErrors.Translate(exception, out var unexpected);
            if (unexpected)
            {
                TasksLog.GatewayCallFailed(logger, exception, operation);
            }

            Audit<T>(operation, caller, default, failure.StatusCode);
            if (ReferenceEquals(failure, exception))
            {
                // Already the gateway's answer: rethrown as it is, with the stack trace of where it was raised.
                throw;
            }

            throw failure;
        }
    }

    /// <summary>Writes the audit event of a state-changing call, as the HTTP API's audit trail does.</summary>
    private void Audit<T>(string operation, StacklPrincipal? caller, T? result, int status)
    {
        if (operation is nameof(SubmitAsync) or nameof(CancelAsync) or nameof(PutDocumentAsync) or nameof(PatchDocumentAsync) or nameof(DeleteDocumentAsync)
            or nameof(PutScheduleAsync) or nameof(DeleteScheduleAsync) or nameof(SetScheduleEnabledAsync) or nameof(TriggerScheduleAsync)
            or nameof(PutChainRuleAsync) or nameof(DeleteChainRuleAsync))
        {
            var target = result switch
            {
                TaskView task => $"task {task.Id} ({task.Topic}/{task.Subtype})",
                ScheduleView schedule => $"schedule {schedule.Name}",
                ChainRuleView rule => $"chain rule {rule.Name}",
                _ => "-",
            };
            AuditLog.Write(_audit, caller?.Name ?? "unauthenticated", $"cluster-client {operation}", target, AuditLog.OutcomeOf(status), status);
        }
    }

    // A task inside a schedule or a chain rule, as the HTTP API parses it: topic and subtype required (400), no payload = {}.
    private static TaskSpec TaskOf(TaskSpec task, string field) =>
        string.IsNullOrEmpty(task.Topic) || string.IsNullOrEmpty(task.Subtype)
            ? throw GatewayErrors.Invalid($"{field}.{(string.IsNullOrEmpty(task.Topic) ? "topic" : "subtype")} is required and must be a non-empty string.")
            : task.Payload.ValueKind == JsonValueKind.Undefined ? task with { Payload = s_emptyObject } : task;
}
