using Stackl.Contracts;

namespace Stackl.Client;

public sealed partial class StacklClient
{
    /// <summary>Creates or replaces a schedule: each due time of its cron starts one task (needs the grant to see every task, and to submit its task).</summary>
    /// <remarks>
    /// Each run's idempotency key is <c>schedule/&lt;name&gt;/&lt;due time&gt;</c> and its source <c>schedule/&lt;name&gt;</c>, so leave
    /// <see cref="TaskSpec.IdempotencyKey"/> null. Replacing a schedule keeps its run counts.
    /// </remarks>
    /// <param name="name">The name: 1 to 100 letters, digits, <c>_</c>, <c>.</c> or <c>-</c>.</param>
    /// <param name="spec">The cron, time zone, task, overlap, catch-up and whether it starts enabled.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklBadRequestException">422 <c>invalid_schedule</c> for a bad cron, time zone or name, or the task's own validation code.</exception>
    public Task<ScheduleView> PutScheduleAsync(string name, ScheduleSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(spec.Task);
        var body = new PutScheduleRequest(spec.Cron, spec.TimeZone, TaskBody(spec.Task), Choice(spec.Overlap), Choice(spec.CatchUp), spec.Enabled);
        return SendAsync(HttpMethod.Put, Url($"api/schedules/{Escape(name)}"), Json(body, ClientJsonContext.Default.PutScheduleRequest), ContractsJsonContext.Default.ScheduleView, cancellationToken);
    }

    /// <summary>Reads a schedule with its next and last runs.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No schedule has this name.</exception>
    public Task<ScheduleView> GetScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendAsync(HttpMethod.Get, Url($"api/schedules/{Escape(name)}"), content: null, ContractsJsonContext.Default.ScheduleView, cancellationToken);
    }

    /// <summary>Lists schedules by name, one page.</summary>
    /// <param name="after">The <see cref="Page{T}.Next"/> cursor of the previous page.</param>
    /// <param name="limit">The page size (the server's default when null).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<Page<ScheduleView>> ListSchedulesAsync(string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Url("api/schedules", ("after", after), ("limit", Number(limit))), content: null, ContractsJsonContext.Default.PageScheduleView, cancellationToken);

    /// <summary>Deletes a schedule; runs already started go on.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No schedule has this name.</exception>
    public async Task DeleteScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var request = new HttpRequestMessage(HttpMethod.Delete, Url($"api/schedules/{Escape(name)}"));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses a schedule: no run starts until it is resumed.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No schedule has this name.</exception>
    public Task<ScheduleView> PauseScheduleAsync(string name, CancellationToken cancellationToken = default) => PostScheduleAsync(name, "pause", cancellationToken);

    /// <summary>Resumes a schedule; the runs it missed while paused are made up for as its <see cref="ScheduleSpec.CatchUp"/> says.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No schedule has this name.</exception>
    public Task<ScheduleView> ResumeScheduleAsync(string name, CancellationToken cancellationToken = default) => PostScheduleAsync(name, "resume", cancellationToken);

    /// <summary>Starts a run of a schedule now, outside its cron, and answers with the run's task (as accepted: wait for it with <see cref="WaitAsync"/>).</summary>
    /// <param name="name">Its name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="StacklNotFoundException">No schedule has this name.</exception>
    public Task<TaskView> TriggerScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendAsync(HttpMethod.Post, Url($"api/schedules/{Escape(name)}/trigger"), content: null, ContractsJsonContext.Default.TaskView, cancellationToken);
    }

    private Task<ScheduleView> PostScheduleAsync(string name, string action, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendAsync(HttpMethod.Post, Url($"api/schedules/{Escape(name)}/{action}"), content: null, ContractsJsonContext.Default.ScheduleView, cancellationToken);
    }

    /// <summary>An enum as the API spells it: lower case (<c>skip</c>, <c>catchUp: all</c>).</summary>
    private static string? Choice<TEnum>(TEnum? value)
        where TEnum : struct, Enum => value?.ToString().ToLowerInvariant();
}
