using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Client;

public sealed partial class StacklClient
{
    /// <summary>How long a wait pauses before asking again when the server answered 503 (it asks to be retried).</summary>
    private static readonly TimeSpan s_unavailableBackoff = TimeSpan.FromMilliseconds(250);

    private static readonly JsonElement s_emptyObject = EmptyObject();

    /// <inheritdoc />
    public async Task<TaskView> SubmitAsync(TaskSpec spec, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var started = Time.GetTimestamp();
        var budget = wait ?? _options.DefaultWait;
        var body = TaskBody(spec);
        var task = await SendAsync(HttpMethod.Post, Url("api/tasks", ("wait", ServerWait(budget))), Json(body, ClientJsonContext.Default.SubmitTaskRequest), ContractsJsonContext.Default.TaskView, cancellationToken)
            .ConfigureAwait(false);
        return await PollAsync(task.Id, task, Remaining(budget, started), throwOnTimeout: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<TaskView> GetAsync(string id, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return PollAsync(id, current: null, wait ?? TimeSpan.Zero, throwOnTimeout: false, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskView> WaitAsync(string id, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return PollAsync(id, current: null, timeout, throwOnTimeout: true, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<TaskView> CancelAsync(string id, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var started = Time.GetTimestamp();
        var budget = wait ?? TimeSpan.Zero;
        var task = await SendAsync(HttpMethod.Post, Url($"api/tasks/{Escape(id)}/cancel", ("wait", ServerWait(budget))), content: null, ContractsJsonContext.Default.TaskView, cancellationToken)
            .ConfigureAwait(false);
        return await PollAsync(task.Id, task, Remaining(budget, started), throwOnTimeout: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<Page<TaskView>> ListTasksAsync(TaskStatus? status = null, string? topic = null, string? after = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var url = Url("api/tasks", ("status", status?.ToString()), ("topic", topic), ("after", after), ("limit", Number(limit)));
        return SendAsync(HttpMethod.Get, url, content: null, ContractsJsonContext.Default.PageTaskView, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TaskEvent> WatchAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        using var request = new HttpRequestMessage(HttpMethod.Get, Url($"api/tasks/{Escape(id)}/events"));
        request.Headers.Accept.ParseAdd("text/event-stream");

        // Headers only: the body is the open-ended stream, read as events arrive.
        using var response = await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        Stream stream;
        try
        {
            stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            throw Unreachable(request, exception);
        }

        await using var streamScope = stream.ConfigureAwait(false);
        var events = SseParser.Create(stream, static (_, data) => JsonSerializer.Deserialize(data, ContractsJsonContext.Default.TaskEvent))
            .EnumerateAsync(cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        await using var eventsScope = events.ConfigureAwait(false);
        while (true)
        {
            // A yield cannot sit in a try with a catch, so each step is read inside one and yielded outside it.
            TaskEvent? next;
            try
            {
                if (!await events.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }

                next = events.Current.Data;
            }
            catch (JsonException exception)
            {
                throw new StacklException($"An event of task {id} is not the expected JSON ({exception.Message}).", exception);
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException)
            {
                throw Unreachable(request, exception);
            }

            if (next is null)
            {
                continue;
            }

            yield return next;
            if (next.Kind == TaskEvent.StatusKind && next.Status.IsFinal())
            {
                break;
            }
        }
    }

    /// <summary>A task as the API reads it (in <c>POST /api/tasks</c> and in a schedule): the timeout a duration string, an empty payload <c>{}</c>.</summary>
    private static SubmitTaskRequest TaskBody(TaskSpec spec) => new(
        spec.Topic,
        spec.Subtype,
        spec.Payload.ValueKind == JsonValueKind.Undefined ? s_emptyObject : spec.Payload,
        spec.Documents,
        spec.Timeout is { } timeout ? Durations.Format(timeout) : null,
        spec.IdempotencyKey,
        spec.Source);

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }

    private TimeSpan Remaining(TimeSpan budget, long started) => budget - Time.GetElapsedTime(started);

    /// <summary>
    /// Reads the task until it is final or <paramref name="wait"/> has passed (null: no limit), each read a bounded server wait.
    /// </summary>
    /// <param name="id">The task id.</param>
    /// <param name="current">The task as already read, or null to read it at least once.</param>
    /// <param name="wait">The time left to wait.</param>
    /// <param name="throwOnTimeout">Throw <see cref="StacklWaitTimeoutException"/> instead of answering a task that is not final.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    private async Task<TaskView> PollAsync(string id, TaskView? current, TimeSpan? wait, bool throwOnTimeout, CancellationToken cancellationToken)
    {
        var started = Time.GetTimestamp();
        while (current is null || !current.Status.IsFinal())
        {
            var remaining = wait is { } limit ? limit - Time.GetElapsedTime(started) : _options.MaxServerWait;
            if (current is not null && remaining <= TimeSpan.Zero)
            {
                return throwOnTimeout ? throw new StacklWaitTimeoutException(current, wait ?? TimeSpan.Zero) : current;
            }

            try
            {
                current = await SendAsync(HttpMethod.Get, Url($"api/tasks/{Escape(id)}", ("wait", ServerWait(remaining))), content: null, ContractsJsonContext.Default.TaskView, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (StacklServerException unavailable) when (IsUnavailable(unavailable) && current is not null)
            {
                // The silo asked to be retried (a grain call timed out, or it is starting or stopping): wait a moment, then ask again.
                var pause = remaining < s_unavailableBackoff ? remaining : s_unavailableBackoff;
                await Task.Delay(pause, Time, cancellationToken).ConfigureAwait(false);
            }
            catch (StacklRateLimitedException limited) when (current is not null || wait is null || (limited.RetryAfter ?? s_unavailableBackoff) < remaining)
            {
                // Over a limit of the silo (too many open waits, or requests): nothing was done; ask again when it says to.
                var retryAfter = limited.RetryAfter ?? s_unavailableBackoff;
                var pause = remaining < retryAfter ? remaining : retryAfter;
                await Task.Delay(pause, Time, cancellationToken).ConfigureAwait(false);
            }
        }

        return current;
    }
}
