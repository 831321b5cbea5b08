using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Stackl.Contracts;
using Stackl.Tasks.Diagnostics;
using Stackl.Tasks.Documents;
using Stackl.Tasks.Handlers;
using Stackl.Tasks.Idempotency;
using Stackl.Tasks.Execution;
using Stackl.Tasks.Security;

namespace Stackl.Tasks;

/// <summary>The front door of the task domain: validates and submits tasks, reads, waits for and cancels them, reads documents.</summary>
/// <remarks>The HTTP API and in-process producers call this; it holds no state of its own.</remarks>
public sealed class TaskService(IGrainFactory grains, HandlerRegistry handlers, IOptions<TaskOptions> options, IOptions<SiloMessagingOptions> messagingOptions, TimeProvider timeProvider, TaskDrain drain, NewGrainKeys newGrains)
{
    /// <summary>The longest idempotency key or source accepted.</summary>
    public const int MaxNameLength = 200;

    private TaskOptions Options => options.Value;

    // One grain call may not outlast the call timeout, so a long wait is a series of shorter ones.
    private TimeSpan WaitSlice => messagingOptions.Value.ResponseTimeout / 2;

    /// <summary>Validates <paramref name="spec"/>, stores the task and starts it; with an idempotency key already used, returns that first task.</summary>
    /// <exception cref="TaskValidationException">The spec is invalid (unknown topic, wrong payload, bad key or timeout); nothing was stored.</exception>
    /// <param name="spec">What to run.</param>
    /// <param name="cancellationToken">Cancels the wait for the answer; the task may still be stored.</param>
    public Task<TaskView> SubmitAsync(TaskSpec spec, CancellationToken cancellationToken = default) => SubmitAsync(spec, wait: null, cancellationToken);

    /// <summary>Submits as <see cref="SubmitAsync(TaskSpec, CancellationToken)"/> does, then waits up to <paramref name="wait"/> for the task to be final.</summary>
    /// <remarks>Submit and wait are one grain call, so a short task is answered by the activation that ran it.</remarks>
    /// <exception cref="TaskValidationException">The spec is invalid (unknown topic, wrong payload, bad key or timeout); nothing was stored.</exception>
    /// <param name="spec">What to run.</param>
    /// <param name="wait">The longest wait for the final status, or null to answer once the task is stored.</param>
    /// <param name="cancellationToken">Cancels the wait for the answer; the task may still be stored.</param>
    public Task<TaskView> SubmitAsync(TaskSpec spec, TimeSpan? wait, CancellationToken cancellationToken = default) =>
        SubmitAsync(spec, wait, StacklPrincipal.Anonymous, cancellationToken);

    /// <summary>Submits as <see cref="SubmitAsync(TaskSpec, TimeSpan?, CancellationToken)"/> does, on behalf of <paramref name="caller"/>.</summary>
    /// <remarks>
    /// The caller's grants are checked before anything is stored (the topic, every document the task locks, restore), an
    /// authenticated caller becomes the task's source, and its idempotency keys are its own: another principal's equal key is
    /// another task.
    /// </remarks>
    /// <exception cref="TaskValidationException">The spec is invalid; nothing was stored.</exception>
    /// <exception cref="AccessDeniedException">The caller may not submit this task; nothing was stored.</exception>
    /// <param name="spec">What to run.</param>
    /// <param name="wait">The longest wait for the final status, or null to answer once the task is stored.</param>
    /// <param name="caller">Who submits it.</param>
    /// <param name="cancellationToken">Cancels the wait for the answer; the task may still be stored.</param>
    public async Task<TaskView> SubmitAsync(TaskSpec spec, TimeSpan? wait, StacklPrincipal caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        using var activity = TaskTelemetry.Source.StartActivity("stackl.task.submit", ActivityKind.Producer);
        try
        {
            var submission = ValidateFor(spec, caller);
            if (drain.IsDraining)
            {
                throw new SiloUnavailableException("This silo is stopping and takes no new tasks; submit the task to another silo (the load balancer stops sending here once /health/ready answers 503).");
            }

            activity?.SetTag(TaskTelemetry.TopicTag, submission.Topic).SetTag(TaskTelemetry.SubtypeTag, submission.Subtype);
            if ((activity ?? Activity.Current)?.Id is { } traceParent)
            {
                submission = submission with { TraceParent = traceParent };
            }

            var minted = TaskId.New(timeProvider);
            var id = minted;
            if (spec.IdempotencyKey is { } idempotencyKey)
            {
                var scopedKey = caller.IsAuthenticated ? $"@{caller.Name}/{idempotencyKey}" : idempotencyKey;
                id = await grains.GetGrain<IIdempotencyGrain>(scopedKey).ClaimAsync(minted).WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            activity?.SetTag(TaskTelemetry.TaskIdTag, id);
            var grain = grains.GetGrain<ITaskGrain>(id);

            // An id minted here has no stored task: its grain's first activation need not read one (an idempotent resubmit's may).
            using var created = id == minted ? newGrains.Creating(TaskGrain.GrainTypeName, id) : null;
            if (wait is not { } remaining || remaining <= TimeSpan.Zero)
            {
                return await grain.SubmitAsync(submission).WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            var until = timeProvider.GetUtcNow() + remaining;
            var slice = WaitSlice;
            var task = await grain.SubmitAndWaitAsync(submission, remaining < slice ? remaining : slice).WaitAsync(cancellationToken).ConfigureAwait(false);
            var left = until - timeProvider.GetUtcNow();
            return task.Status.IsFinal() || left <= TimeSpan.Zero ? task : await GetAsync(id, left, cancellationToken).ConfigureAwait(false) ?? task;
        }
        catch (Exception exception) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    /// <summary>Checks a spec without storing anything and returns the submission the task grain receives.</summary>
    /// <exception cref="TaskValidationException">The spec is invalid; the message names the field and the fix.</exception>
    /// <param name="spec">What to run.</param>
    public TaskSubmission Validate(TaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(spec.Topic))
        {
            throw new TaskValidationException(ErrorCodes.InvalidRequest, $"topic is required; known topics: {string.Join(", ", handlers.Topics)}.");
        }

        if (string.IsNullOrWhiteSpace(spec.Subtype))
        {
            throw new TaskValidationException(ErrorCodes.InvalidRequest, $"subtype is required; known topic/subtype pairs: {string.Join(", ", handlers.Topics)}.");
        }

        var handler = handlers.Get(spec.Topic, spec.Subtype);
        var timeout = spec.Timeout ?? Options.DefaultTimeout;
        if (timeout <= TimeSpan.Zero || timeout > Options.MaxTimeout)
        {
            throw new TaskValidationException(ErrorCodes.InvalidTimeout, $"timeout is {Durations.Format(timeout)}; it must be positive and at most {Durations.Format(Options.MaxTimeout)} (Stackl:Tasks:MaxTimeout).");
        }

        CheckName(spec.IdempotencyKey, "idempotencyKey");
        CheckName(spec.Source, "source");
        if (JsonLimits.Problem(spec.Payload) is { } problem)
        {
            throw new TaskValidationException(ErrorCodes.InvalidPayload, $"payload {problem}");
        }

        var keys = new SortedSet<string>(handler.Validate(spec.Payload), StringComparer.Ordinal);
        if (spec.Documents is { } documents)
        {
            for (var i = 0; i < documents.Count; i++)
            {
                keys.Add(DocumentKey.Validate(documents[i], $"documents[{i}]"));
            }
        }

        if (keys.Count > Options.MaxDocumentsPerTask)
        {
            throw new TaskValidationException(ErrorCodes.InvalidRequest, $"The task locks {keys.Count} documents; at most {Options.MaxDocumentsPerTask} are allowed (Stackl:Tasks:MaxDocumentsPerTask).");
        }

        return new TaskSubmission(spec.Topic, spec.Subtype, spec.Source, spec.Payload.Clone(), [.. keys], timeout);
    }

    /// <summary>Checks a spec as <see cref="Validate"/> does, then <paramref name="caller"/>'s grants for it (a flow's step handlers included).</summary>
    /// <exception cref="TaskValidationException">The spec is invalid.</exception>
    /// <exception cref="AccessDeniedException">The caller may not submit it.</exception>
    /// <param name="spec">What to run.</param>
    /// <param name="caller">Who would submit it.</param>
    public TaskSubmission ValidateFor(TaskSpec spec, StacklPrincipal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Authorize(Validate(spec), StepHandlers(spec, caller));
    }

    /// <summary>Reads a task, waiting up to <paramref name="wait"/> for it to become final; null when no task has this id.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="wait">The longest wait, or null to answer at once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<TaskView?> GetAsync(string id, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        if (!TaskId.IsWellFormed(id))
        {
            return null;
        }

        var task = grains.GetGrain<ITaskGrain>(id);
        if (wait is not { } remaining || remaining <= TimeSpan.Zero)
        {
            return await task.GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var slice = WaitSlice;
        var until = timeProvider.GetUtcNow() + remaining;
        while (true)
        {
            var left = until - timeProvider.GetUtcNow();
            var view = await task.WaitAsync(left < slice ? left : slice).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (view is null || view.Status.IsFinal() || timeProvider.GetUtcNow() >= until)
            {
                return view;
            }
        }
    }

    /// <summary>Cancels a task unless it is final or already committing; returns it, or null when no task has this id.</summary>
    /// <remarks>Cancel starts the rollback; the task becomes <c>Cancelled</c> when the rollback ends. A task already committing completes.</remarks>
    /// <param name="id">The task id.</param>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    public Task<TaskView?> CancelAsync(string id, CancellationToken cancellationToken = default) => CancelAsync(id, StacklPrincipal.Anonymous, cancellationToken);

    /// <summary>Cancels as <see cref="CancelAsync(string, CancellationToken)"/> does, recording <paramref name="caller"/> as who asked.</summary>
    /// <remarks>The caller's right to cancel is the entry point's to check (it needs the task's source first).</remarks>
    /// <param name="id">The task id.</param>
    /// <param name="caller">Who asks.</param>
    /// <param name="cancellationToken">Cancels the wait for the answer.</param>
    public async Task<TaskView?> CancelAsync(string id, StacklPrincipal caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return TaskId.IsWellFormed(id) ? await grains.GetGrain<ITaskGrain>(id).CancelAsync(caller.Name).WaitAsync(cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>Reads a document's committed value (version 0 and a null value when it does not exist).</summary>
    /// <exception cref="TaskValidationException">The key is malformed.</exception>
    /// <param name="key">The document key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task<DocumentView> GetDocumentAsync(string key, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IDocumentGrain>(DocumentKey.Validate(key)).ReadAsync().WaitAsync(cancellationToken);

    /// <summary>The tasks waiting for a document's lock, first in line first.</summary>
    /// <param name="key">The document key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task<IReadOnlyList<string>> GetLockWaitersAsync(string key, CancellationToken cancellationToken = default) =>
        grains.GetGrain<IDocumentGrain>(DocumentKey.Validate(key)).GetWaitingAsync().WaitAsync(cancellationToken);

    // A flow runs other handlers: a caller limited to some topics may not reach the others through a flow. An anonymous caller may do everything.
    private IEnumerable<string>? StepHandlers(TaskSpec spec, StacklPrincipal caller) =>
        caller.IsAuthenticated && spec.Topic == Flows.FlowHandler.FlowTopic && handlers.TryGet(spec.Topic, spec.Subtype) is Flows.FlowHandler
            ? Flows.FlowPlan.Parse(spec.Payload, handlers).Steps.SelectMany(s => s.Revert is { } revert ? new[] { s.Handler, revert } : [s.Handler]).Distinct(StringComparer.Ordinal).ToList()
            : null;

    private static void CheckName(string? value, string field)
    {
        if (value is not null && (string.IsNullOrWhiteSpace(value) || value.Length > MaxNameLength))
        {
            throw new TaskValidationException(ErrorCodes.InvalidRequest, $"{field} must be 1 to {MaxNameLength} characters when given.");
        }
    }
}
