namespace Stackl.Tasks.Idempotency;

/// <summary>Holds the first task id submitted with one idempotency key.</summary>
[GrainType("idempotency")]
internal sealed class IdempotencyGrain([PersistentState("idempotency")] IPersistentState<IdempotencyState> state) : Grain, IIdempotencyGrain
{
    /// <inheritdoc />
    public async Task<string> ClaimAsync(string taskId)
    {
        if (state.State.TaskId is { } claimed)
        {
            return claimed;
        }

        state.State.TaskId = taskId;
        await state.WriteStateAsync();
        return taskId;
    }
}
