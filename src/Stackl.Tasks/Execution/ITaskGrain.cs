using Stackl.Contracts;
using Orleans.Concurrency;

namespace Stackl.Tasks.Execution;

/// <summary>One task: it owns its lifecycle, coordinates the commit of its documents, and rolls back what fails or overruns.</summary>
/// <remarks>This is the producers' interface; the task's executor and document grains use <see cref="ITaskExecutionGrain"/>.</remarks>
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>Stores the task, arms its deadline and starts it; a repeated submit returns the stored task.</summary>
    /// <param name="submission">The validated task.</param>
    Task<TaskView> SubmitAsync(TaskSubmission submission);

    /// <summary>Submits the task as <see cref="SubmitAsync"/> does, then waits until it is final or <paramref name="wait"/> passes.</summary>
    /// <remarks>
    /// One call from the producer: the wait runs in the activation that ran the task, so a task that ends before a second call
    /// could arrive is answered without being read back from storage.
    /// </remarks>
    /// <param name="submission">The validated task.</param>
    /// <param name="wait">The longest wait after the submit.</param>
    [AlwaysInterleave]
    Task<TaskView> SubmitAndWaitAsync(TaskSubmission submission, TimeSpan wait);

    /// <summary>The task now, or null when no task has this id.</summary>
    [AlwaysInterleave]
    Task<TaskView?> GetAsync();

    /// <summary>Waits until the task is final or <paramref name="wait"/> passes, and returns it (null when unknown).</summary>
    /// <param name="wait">The longest wait.</param>
    [AlwaysInterleave]
    Task<TaskView?> WaitAsync(TimeSpan wait);

    /// <summary>Cancels the task unless it is final or already committing; returns the task (null when unknown).</summary>
    /// <param name="requestedBy">Who asks (a principal's name), recorded with the task.</param>
    Task<TaskView?> CancelAsync(string? requestedBy);
}
