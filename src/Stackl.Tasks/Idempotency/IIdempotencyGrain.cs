namespace Stackl.Tasks.Idempotency;

/// <summary>Maps one idempotency key to the first task submitted with it.</summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>Returns the task id already claimed for this key, or claims <paramref name="taskId"/> durably and returns it.</summary>
    /// <param name="taskId">The id of the task being submitted.</param>
    Task<string> ClaimAsync(string taskId);
}

/// <summary>The durable state of an idempotency key.</summary>
public sealed class IdempotencyState
{
    /// <summary>The task first submitted with the key.</summary>
    public string? TaskId { get; set; }
}
