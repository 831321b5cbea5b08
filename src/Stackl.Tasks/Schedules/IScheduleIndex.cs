using Stackl.Contracts;

namespace Stackl.Tasks.Schedules;

/// <summary>Schedule listings from storage, by name, without waking schedule grains.</summary>
public interface IScheduleIndex
{
    /// <summary>Schedules whose names sort after <paramref name="after"/>, in name order.</summary>
    /// <param name="after">The last name of the previous page, or null.</param>
    /// <param name="limit">The page size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<IReadOnlyList<ScheduleView>> ListAsync(string? after, int limit, CancellationToken cancellationToken = default);
}
