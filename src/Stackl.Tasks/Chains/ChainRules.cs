using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stackl.Contracts;
using Stackl.Tasks.Execution;

namespace Stackl.Tasks.Chains;

/// <summary>How chain rules reach every silo (<c>Stackl:Chains</c>).</summary>
public sealed class ChainOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Chains";

    /// <summary>How often a silo reloads the rules; a rule written on another silo fires here within this (2 s).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most rules a cluster holds (1,000).</summary>
    public int MaxRules { get; set; } = 1000;
}

/// <summary>
/// The chain rules this silo knows, reloaded from storage every <see cref="ChainOptions.RefreshInterval"/>, and their firing: a task about
/// to become final starts the follow-up of every matching rule before its final status is stored.
/// </summary>
/// <remarks>
/// Firing before the final write is what makes a rule fire exactly once per finished task: a crash in between leaves the task
/// unfinished, its recovery fires again, and the follow-up's idempotency key (the rule and the finished task) makes that the same task.
/// </remarks>
public sealed class ChainRules(IServiceProvider services, IOptions<ChainOptions> options, ILoggerFactory loggers) : BackgroundService
{
    /// <inheritdoc />
    public override void Dispose()
    {
        _firstLoad.Dispose();
        base.Dispose();
    }

    private readonly ILogger _logger = loggers.CreateLogger("Stackl.Chains");
    private readonly SemaphoreSlim _firstLoad = new(1, 1);
    private volatile IReadOnlyList<ChainRuleView> _rules = [];
    private volatile bool _loaded;

    /// <summary>Reloads the rules now (after a rule was written or deleted on this silo).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (services.GetService<IChainIndex>() is { } index)
        {
            _rules = await index.ListAsync(options.Value.MaxRules, cancellationToken).ConfigureAwait(false);
        }

        _loaded = true;
    }

    /// <summary>Starts the follow-ups of the rules that a task finishing with <paramref name="status"/> fires; true when a rule matched.</summary>
    /// <exception cref="StorageUnavailableException">A follow-up could not be stored; the task does not become final yet and fires again.</exception>
    internal async Task<bool> FireAsync(string taskId, TaskSubmission submission, TaskStatus status, JsonElement? result)
    {
        if (!_loaded)
        {
            // A task finishing before this silo first loaded the rules (just after a start) waits for them rather than miss one;
            // if they cannot be read, the task does not become final yet and fires when it is driven again.
            await _firstLoad.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!_loaded)
                {
                    await RefreshAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                _firstLoad.Release();
            }
        }

        var rules = _rules;
        var matched = false;

        foreach (var rule in rules)
        {
            if (rule.When.Topic != submission.Topic || (rule.When.Subtype is { } subtype && subtype != submission.Subtype)
                || !(rule.When.Status ?? [TaskStatus.Completed]).Contains(status))
            {
                continue;
            }

            matched = true;
            services.GetRequiredService<FaultInjector>().Hit(FaultPoint.BeforeChains, taskId);
            var followUp = rule.Then with
            {
                Payload = WithParent(rule.Then.Payload, Parent(taskId, submission, status, result)),
                IdempotencyKey = $"chain/{rule.Name}/{taskId}",
                Source = $"chain/{rule.Name}",
            };
            try
            {
                var started = await services.GetRequiredService<TaskService>().SubmitAsync(followUp).ConfigureAwait(false);
                ChainLog.Fired(_logger, rule.Name, taskId, started.Id);
            }
            catch (Exception refused) when (refused is TaskValidationException or Security.AccessDeniedException)
            {
                // The rule's follow-up no longer validates (a handler removed since): the finished task is not held back by it.
                ChainLog.FollowUpRefused(_logger, refused, rule.Name, taskId);
            }
        }

        return matched;
    }

    /// <summary>The <c>parent</c> field a follow-up's payload gets: the finished task, and the chain's correlation id (its first task's id).</summary>
    internal static JsonObject Parent(string taskId, TaskSubmission submission, TaskStatus status, JsonElement? result)
    {
        var correlation = submission.Payload.ValueKind == JsonValueKind.Object && submission.Payload.TryGetProperty("parent", out var parent)
            && parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty("correlation", out var inherited) && inherited.ValueKind == JsonValueKind.String
                ? inherited.GetString()
                : taskId;
        return new JsonObject
        {
            ["id"] = taskId,
            ["topic"] = submission.Topic,
            ["subtype"] = submission.Subtype,
            ["status"] = status.ToString(),
            ["result"] = result is { } value ? JsonNode.Parse(value.GetRawText()) : null,
            ["correlation"] = correlation,
        };
    }

    /// <summary>The template payload (an object, or nothing) with the <c>parent</c> field set.</summary>
    internal static JsonElement WithParent(JsonElement payload, JsonObject parent)
    {
        var merged = payload.ValueKind == JsonValueKind.Object ? JsonNode.Parse(payload.GetRawText())!.AsObject() : [];
        merged["parent"] = parent;
        return JsonSerializer.SerializeToElement(merged, TasksJsonContext.Default.JsonNode);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // The database may be away for a while: the rules last loaded keep firing until the next reload works.
                ChainLog.RefreshFailed(_logger, failure);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}

internal static partial class ChainLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Chain rule {Rule} fired for task {TaskId}: follow-up task {FollowUp}")]
    public static partial void Fired(ILogger logger, string rule, string taskId, string followUp);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Chain rule {Rule} did not start a follow-up of task {TaskId}: the follow-up was refused")]
    public static partial void FollowUpRefused(ILogger logger, Exception exception, string rule, string taskId);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Chain rules could not be reloaded; the rules last loaded stay in force")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);
}
