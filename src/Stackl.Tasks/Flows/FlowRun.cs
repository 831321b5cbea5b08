using System.Text.Json;
using System.Text.Json.Nodes;
using Stackl.Contracts;
using Stackl.Tasks.Execution;
using Stackl.Tasks.Handlers;

namespace Stackl.Tasks.Flows;

/// <summary>One run of a flow: schedules its steps by the graph, retries them by their policies and stores each step's outcome.</summary>
/// <remarks>
/// A run starts from what the flow stored: completed steps keep their results and writes, a failed attempt is not repeated, a
/// retry waits until its stored due time. Only an attempt that was running when the last run stopped runs again.
/// </remarks>
internal sealed class FlowRun(FlowPlan plan, TaskContext flow, HandlerRegistry handlers)
{
    private readonly FlowStepState[] _states = [.. plan.Steps.Select(s => flow.FlowStart.Steps.GetValueOrDefault(s.Name)?.Copy() ?? new FlowStepState { Name = s.Name })];
    private readonly FlowScopeState[] _scopes = [.. plan.Scopes.Select(s => flow.FlowStart.Scopes.GetValueOrDefault(s.Name) ?? new FlowScopeState())];
    private readonly Dictionary<string, JsonElement> _provided = new(plan.Store, StringComparer.Ordinal);
    private readonly Dictionary<string, SemaphoreSlim> _documentTurns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flowDocuments = new(flow.Documents, StringComparer.Ordinal);
    private int _completed;

    private TimeProvider Time => flow.Environment.TimeProvider;

    private FaultInjector Faults => flow.Environment.Faults;

    /// <summary>Runs the steps not done yet; returns the values the steps provided.</summary>
    /// <exception cref="TaskFailedException">A step failed after its retries (code <see cref="ErrorCodes.StepFailed"/>, naming it).</exception>
    public async Task<JsonElement?> RunAsync()
    {
        foreach (var done in _states.Where(s => s.Status == StepStatus.Completed).OrderBy(s => s.CompletedOrder))
        {
            Keep(plan.ByName[done.Name], done);
            _completed = Math.Max(_completed, done.CompletedOrder);
        }

        // A step failed before the last run stopped: its subflow runs again, or the flow fails, as it would have then.
        if (_states.FirstOrDefault(s => s.Status == StepStatus.Failed) is { } failed)
        {
            var step = plan.ByName[failed.Name];
            if (!await RetryScopeAsync(step))
            {
                throw StepFailed(step, failed);
            }
        }

        foreach (var state in _scopes)
        {
            if (state.NextAttempt is { } due && due > Time.GetUtcNow())
            {
                // A subflow waiting to run again when the last run stopped waits out the rest of its backoff first.
                await Task.Delay(due - Time.GetUtcNow(), Time, flow.CancellationToken);
            }
        }

        var running = new Dictionary<Task, FlowStepPlan>();
        while (true)
        {
            using var generation = CancellationTokenSource.CreateLinkedTokenSource(flow.CancellationToken);
            Exception? failure = null;
            while (failure is null)
            {
                await StartReadyStepsAsync(running, generation.Token);
                if (running.Count == 0)
                {
                    break;
                }

                var ended = await Task.WhenAny(running.Keys);
                running.Remove(ended);
                failure = ended.IsCompletedSuccessfully ? null : ended.Exception?.InnerException ?? new OperationCanceledException(flow.CancellationToken);
            }

            if (failure is null)
            {
                break;
            }

            // One step failed (or the flow was cancelled): the others stop before the flow rolls back or a subflow runs again.
            await generation.CancelAsync();
            foreach (var (sibling, step) in running)
            {
                await sibling.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                var state = _states[step.Index];
                if (state.Status is StepStatus.Running)
                {
                    // Stopped, not failed: the attempt does not count, and the step starts over when its turn comes again.
                    state.Attempt--;
                    state.Status = state.Attempt == 0 ? StepStatus.Pending : StepStatus.Retrying;
                }
            }

            running.Clear();
            if (failure is FlowStepFailedException stepFailed && await RetryScopeAsync(stepFailed.Step))
            {
                continue;
            }

            foreach (var state in _states.Where(s => s.Status is StepStatus.Running or StepStatus.Retrying or StepStatus.Pending))
            {
                state.Status = StepStatus.Cancelled;
                Show(state);
            }

            throw failure is FlowStepFailedException known ? StepFailed(known.Step, _states[known.Step.Index]) : failure;
        }

        if (_states.FirstOrDefault(s => s.Status is not (StepStatus.Completed or StepStatus.Skipped)) is { } stuck)
        {
            throw new InvalidOperationException($"Flow step '{stuck.Name}' never became ready; this is a bug in the flow's graph.");
        }

        var result = new JsonObject();
        foreach (var step in plan.Steps.Where(s => s.Provides is not null && _provided.ContainsKey(s.Provides)))
        {
            result[step.Provides!] = JsonNode.Parse(_provided[step.Provides!].GetRawText());
        }

        return JsonSerializer.SerializeToElement(result, TasksJsonContext.Default.JsonNode);
    }

    private async Task StartReadyStepsAsync(Dictionary<Task, FlowStepPlan> running, CancellationToken stop)
    {
        var progressed = true;
        while (progressed)
        {
            progressed = false;
            foreach (var step in plan.Steps)
            {
                var state = _states[step.Index];
                if (state.Status is not (StepStatus.Pending or StepStatus.Retrying) || running.ContainsValue(step)
                    || !step.After.All(i => _states[i].Status is StepStatus.Completed or StepStatus.Skipped))
                {
                    continue;
                }

                if (SkipReason(step) is { } reason)
                {
                    await SkipAsync(step, state, reason);
                    progressed = true;
                    continue;
                }

                if (running.Count >= flow.Environment.Options.MaxParallelSteps
                    || step.Groups.Any(g => running.Values.Count(r => r.Groups.Contains(g)) >= plan.GroupLimits[g]))
                {
                    continue;
                }

                if (_completed > 0)
                {
                    Faults.Hit(FaultPoint.BetweenSteps, flow.TaskId);
                }

                running[RunStepAsync(step, state, stop)] = step;
            }
        }
    }

    private string? SkipReason(FlowStepPlan step)
    {
        if (step.SkipWith.Where(i => _states[i].Status == StepStatus.Skipped).Select(i => _states[i].Name).FirstOrDefault() is { } skipped)
        {
            return $"skipped: step '{skipped}' before it was skipped";
        }

        lock (_provided)
        {
            return step.Conditions.FirstOrDefault(c => !c.Holds(_provided)) is { } condition
                ? $"skipped: '{condition.Provided}' is {(_provided.TryGetValue(condition.Provided, out var value) ? value.GetRawText() : "not provided")}, the step runs when it {(condition.Negated ? "is not" : "is")} {condition.Expected.GetRawText()}"
                : null;
        }
    }

    private async Task SkipAsync(FlowStepPlan step, FlowStepState state, string reason)
    {
        state.Status = StepStatus.Skipped;
        state.Finished = Time.GetUtcNow();
        state.Logs.Add(new TaskLogLine(state.Finished.Value, reason));
        flow.Log($"step '{step.Name}' {reason}");
        await flow.SaveStepAsync(state.Copy(), revert: null);
        Show(state);
    }

    private async Task RunStepAsync(FlowStepPlan step, FlowStepState state, CancellationToken stop)
    {
        await Task.Yield();
        if (state is { Status: StepStatus.Retrying, NextAttempt: { } due } && due > Time.GetUtcNow())
        {
            await Task.Delay(due - Time.GetUtcNow(), Time, stop);
        }

        var handler = handlers.Get(step.Topic, step.Subtype);
        while (true)
        {
            var input = Input(step);
            state.Attempt++;
            state.Status = StepStatus.Running;
            state.Started ??= Time.GetUtcNow();
            state.NextAttempt = null;
            Note(step, state, $"attempt {state.Attempt} of {step.Retry.Attempts} started");
            Show(state);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
            if (step.Timeout is { } timeout)
            {
                attempt.CancelAfter(timeout);
            }

            var log = new TaskLogBuffer(0);
            try
            {
                var documents = Documents(step, handler, input);
                var turns = await TakeDocumentTurnsAsync(documents, stop);
                try
                {
                    var context = flow.ForStep(step.Name, input, documents, log, attempt.Token);
                    var result = (await handler.ExecuteAsync(context))?.Clone();
                    attempt.Token.ThrowIfCancellationRequested();
                    Faults.Hit(FaultPoint.DuringStep, flow.TaskId);
                    (state.CompletedOrder, state.Finished) = NextCompletion();
                    state.Result = result;
                    state.Error = null;
                    state.Writes = context.StagedSnapshot();
                    state.Logs.AddRange(log.Snapshot());
                    Note(step, state, $"completed (attempt {state.Attempt})");
                    var completed = state.Copy();
                    completed.Status = StepStatus.Completed;
                    await flow.SaveStepAsync(completed, step.Revert is null ? null : FlowStepRevert.Create(step, input, result));

                    // The scheduler starts the steps after this one once it reads Completed: what it provides must be in place first.
                    Keep(step, state);
                    state.Status = StepStatus.Completed;
                    Show(state);
                    return;
                }
                finally
                {
                    foreach (var turn in turns)
                    {
                        turn.Release();
                    }
                }
            }
            catch (Exception exception) when (Failure(exception, step, stop, attempt.Token) is var (error, retryable) && error is not null)
            {
                state.Error = error;
                state.Logs.AddRange(log.Snapshot());
                if (retryable && state.Attempt < step.Retry.Attempts)
                {
                    var delay = step.Retry.DelayAfter(state.Attempt, Random.Shared.NextDouble());
                    state.Status = StepStatus.Retrying;
                    state.NextAttempt = Time.GetUtcNow() + delay;
                    Note(step, state, $"attempt {state.Attempt} failed ({error.Code}: {error.Message}); attempt {state.Attempt + 1} in {Durations.Format(delay)}");
                    await flow.SaveStepAsync(state.Copy(), revert: null);
                    Show(state);
                    Faults.Hit(FaultPoint.BeforeRetry, flow.TaskId);
                    await Task.Delay(delay, Time, stop);
                    continue;
                }

                state.Status = StepStatus.Failed;
                state.Finished = Time.GetUtcNow();
                Note(step, state, $"attempt {state.Attempt} failed ({error.Code}: {error.Message}){(retryable ? "; no attempts left" : "; not retryable")}");
                await flow.SaveStepAsync(state.Copy(), revert: null);
                Show(state);
                throw new FlowStepFailedException(step);
            }
        }
    }

    /// <summary>The error an attempt ended with and whether it may be retried; null error for what ends the run instead (cancel, deadline, crash).</summary>
    private static (TaskError? Error, bool Retryable) Failure(Exception exception, FlowStepPlan step, CancellationToken stop, CancellationToken attempt) => exception switch
    {
        _ when stop.IsCancellationRequested => (null, false),
        InjectedFaultException or SiloUnavailableException or Orleans.Storage.InconsistentStateException => (null, false),
        OperationCanceledException when attempt.IsCancellationRequested =>
            (new TaskError(ErrorCodes.StepTimedOut, $"The attempt did not finish within the step's timeout of {Durations.Format(step.Timeout ?? TimeSpan.Zero)}."), step.Retry.RetryTimeouts),
        TaskFailedException failed => (new TaskError(failed.Code, failed.Message), failed.Retryable),
        TaskValidationException invalid => (new TaskError(invalid.Code, invalid.Message), false),
        _ => (new TaskError(ErrorCodes.HandlerFailed, $"{exception.GetType().Name}: {exception.Message}"), false),
    };

    /// <summary>
    /// The innermost subflow of <paramref name="failed"/> with runs left reverts its completed steps (newest first) and starts over
    /// after its backoff; false when no subflow of the step may run again.
    /// </summary>
    private async Task<bool> RetryScopeAsync(FlowStepPlan failed)
    {
        var scope = failed.Scopes.Reverse().Select(i => plan.Scopes[i]).FirstOrDefault(s => _scopes[s.Index].Attempt < s.Retry.Attempts);
        if (scope is null)
        {
            return false;
        }

        var names = scope.Steps.Select(i => plan.Steps[i].Name).ToList();
        var reverts = await flow.StepRevertsAsync(names);
        for (var i = reverts.Count - 1; i >= 0; i--)
        {
            try
            {
                await FlowStepRevert.RunAnyAsync(reverts[i], flow, new TaskLogBuffer(0), flow.CancellationToken);
            }
            catch (Exception exception) when (exception is not (OperationCanceledException or InjectedFaultException))
            {
                // The subflow cannot start over cleanly: the flow rolls back, and its rollback runs these reverts again.
                flow.Log($"subflow '{scope.Name}': the revert of step '{reverts[i].Step}' failed ({exception.Message}); the subflow does not run again");
                return false;
            }
        }

        Faults.Hit(FaultPoint.BeforeSubflowRetry, flow.TaskId);
        var state = _scopes[scope.Index];
        var delay = scope.Retry.DelayAfter(state.Attempt, Random.Shared.NextDouble());
        var next = new FlowScopeState { Attempt = state.Attempt + 1, NextAttempt = Time.GetUtcNow() + delay };
        flow.Log($"subflow '{scope.Name}': step '{failed.Name}' failed ({_states[failed.Index].Error?.Message}); its completed steps were reverted, run {next.Attempt} of {scope.Retry.Attempts} in {Durations.Format(delay)}");
        await flow.RetryScopeAsync(scope.Name, next, names);
        _scopes[scope.Index] = next;
        foreach (var i in scope.Steps)
        {
            _states[i] = new FlowStepState { Name = plan.Steps[i].Name };
            Show(_states[i]);
            if (plan.Steps[i].Provides is { } provided)
            {
                lock (_provided)
                {
                    _provided.Remove(provided);
                }
            }
        }

        flow.Restage(_states.Where(s => s.Status == StepStatus.Completed && s.Writes is not null).OrderBy(s => s.CompletedOrder).Select(s => (IReadOnlyDictionary<string, JsonElement?>)s.Writes!));
        await Task.Delay(delay, Time, flow.CancellationToken);
        return true;
    }

    private static TaskFailedException StepFailed(FlowStepPlan step, FlowStepState state) =>
        new(ErrorCodes.StepFailed, $"Step '{step.Name}' ({step.Handler}) failed after {state.Attempt} attempt{(state.Attempt == 1 ? "" : "s")}: {state.Error?.Message.TrimEnd('.')}. The flow rolled back: its completed steps were reverted, newest first, and no document was changed.");

    private JsonElement Input(FlowStepPlan step)
    {
        if (step.Requires.Count == 0)
        {
            return step.Input ?? JsonSerializer.SerializeToElement(new JsonObject(), TasksJsonContext.Default.JsonNode);
        }

        var input = step.Input is { } constants ? JsonNode.Parse(constants.GetRawText())!.AsObject() : [];
        lock (_provided)
        {
            foreach (var name in step.Requires)
            {
                input[name] = JsonNode.Parse(_provided[name].GetRawText());
            }
        }

        return JsonSerializer.SerializeToElement(input, TasksJsonContext.Default.JsonNode);
    }

    private HashSet<string> Documents(FlowStepPlan step, ITaskHandler handler, JsonElement input)
    {
        var documents = new HashSet<string>(step.Documents, StringComparer.Ordinal);
        if (step.Requires.Count > 0)
        {
            // Its input was not known when the flow was accepted: the handler checks it now.
            documents.UnionWith(handler.Validate(input));
        }

        if (documents.FirstOrDefault(key => !_flowDocuments.Contains(key)) is { } undeclared)
        {
            throw new TaskValidationException(ErrorCodes.InvalidDocumentKey, $"Step '{step.Name}' would lock {undeclared}, which the flow did not lock; declare it in the step's documents.");
        }

        return documents;
    }

    // Steps of one flow take their documents in key order, so two side-by-side steps that write one document run one after the other.
    private async Task<List<SemaphoreSlim>> TakeDocumentTurnsAsync(HashSet<string> documents, CancellationToken stop)
    {
        var taken = new List<SemaphoreSlim>();
        foreach (var key in documents.Order(StringComparer.Ordinal))
        {
            SemaphoreSlim turn;
            lock (_documentTurns)
            {
                if (!_documentTurns.TryGetValue(key, out turn!))
                {
                    _documentTurns[key] = turn = new SemaphoreSlim(1, 1);
                }
            }

            try
            {
                await turn.WaitAsync(stop);
            }
            catch
            {
                taken.ForEach(t => t.Release());
                throw;
            }

            taken.Add(turn);
        }

        return taken;
    }

    private void Keep(FlowStepPlan step, FlowStepState state)
    {
        if (state.Writes is { Count: > 0 } writes)
        {
            flow.Apply(writes);
        }

        if (step.Provides is { } name)
        {
            lock (_provided)
            {
                _provided[name] = state.Result ?? JsonSerializer.SerializeToElement<JsonNode?>(null, TasksJsonContext.Default.JsonNode);
            }
        }
    }

    // Side-by-side steps complete at once: the order and the time are taken together, so the later completion has the later time.
    private (int Order, DateTimeOffset At) NextCompletion()
    {
        lock (_provided)
        {
            return (++_completed, Time.GetUtcNow());
        }
    }

    private void Note(FlowStepPlan step, FlowStepState state, string message)
    {
        state.Logs.Add(new TaskLogLine(Time.GetUtcNow(), message));
        flow.Log($"step '{step.Name}': {message}");
    }

    private void Show(FlowStepState state) => flow.Progress?.Show(state);
}

/// <summary>A step failed after its retries; the run decides whether its subflow runs again or the flow fails.</summary>
internal sealed class FlowStepFailedException(FlowStepPlan step) : Exception($"Step '{step.Name}' failed.")
{
    public FlowStepPlan Step { get; } = step;
}
