using Stackl.Contracts;

namespace Stackl.Client.Orleans;

public sealed partial class StacklClusterClient
{
    /// <inheritdoc />
    public Task<ScheduleView> PutScheduleAsync(string name, ScheduleSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(spec.Task);
        return CallAsync(g => g.PutScheduleAsync(name, spec), nameof(PutScheduleAsync), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ScheduleView> GetScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CallAsync(g => g.GetScheduleAsync(name), nameof(GetScheduleAsync), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Page<ScheduleView>> ListSchedulesAsync(string? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        CallAsync(g => g.ListSchedulesAsync(after, limit), nameof(ListSchedulesAsync), cancellationToken);

    /// <inheritdoc />
    public Task DeleteScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CallAsync(async g =>
        {
            await g.DeleteScheduleAsync(name).ConfigureAwait(false);
            return true;
        }, nameof(DeleteScheduleAsync), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ScheduleView> PauseScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CallAsync(g => g.SetScheduleEnabledAsync(name, enabled: false), nameof(PauseScheduleAsync), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ScheduleView> ResumeScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CallAsync(g => g.SetScheduleEnabledAsync(name, enabled: true), nameof(ResumeScheduleAsync), cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskView> TriggerScheduleAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return CallAsync(g => g.TriggerScheduleAsync(name), nameof(TriggerScheduleAsync), cancellationToken);
    }
}
