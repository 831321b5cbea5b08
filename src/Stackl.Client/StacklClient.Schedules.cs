using Stackl.Contracts;

namespace Stackl.Client;

public sealed partial class StacklClient
{
    /// <inheritdoc />
    public Task<ScheduleView> PutScheduleAsync(string name, ScheduleSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(spec.Task);
        var body = new PutScheduleRequest(spec.Cron, spec.TimeZone, TaskBody(spec.Task), Choice(spec.Overlap), Choice(spec.CatchUp), spec.Enabled);
        return SendAsync(HttpMethod.Put, Url($"api/schedules/{Escape(name)}"), Json(body, ClientJsonContext.Default.PutScheduleRequest), ContractsJsonContext.Default.ScheduleView, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ScheduleView> GetScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return SendAsync(HttpMethod.Get, Url($"api/schedules/{Escape(name)}"), content: null, ContractsJsonContext.Default.ScheduleView, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Page<ScheduleView>> ListSchedulesAsync(string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, Url("api/schedules", ("after", after), ("limit", Number(limit))), content: null, ContractsJsonContext.Default.PageScheduleView, cancellationToken);

    /// <inheritdoc />
    public async Task DeleteScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var request = new HttpRequestMessage(HttpMethod.Delete, Url($"api/schedules/{Escape(name)}"));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ScheduleView> PauseScheduleAsync(string name, CancellationToken cancellationToken = default) => PostScheduleAsync(name, "pause", cancellationToken);

    /// <inheritdoc />
    public Task<ScheduleView> ResumeScheduleAsync(string name, CancellationToken cancellationToken = default) => PostScheduleAsync(name, "resume", cancellationToken);

    /// <inheritdoc />
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
