namespace Stackl.Benchmarks;

/// <summary>The grain every runtime and storage figure calls.</summary>
public interface IBenchGrain : IGrainWithStringKey
{
    /// <summary>Adds to an in-memory sum and returns it: the cheapest call there is.</summary>
    /// <param name="value">What to add.</param>
    Task<int> AddAsync(int value);

    /// <summary>Calls <see cref="AddAsync"/> on another bench grain: two grain calls.</summary>
    /// <param name="otherKey">The other grain's key.</param>
    /// <param name="value">What to add there.</param>
    Task<int> ForwardAsync(string otherKey, int value);

    /// <summary>Like <see cref="AddAsync"/>, but the method yields once, so the turn continues on the activation's scheduler.</summary>
    /// <param name="value">What to add.</param>
    Task<int> YieldAsync(int value);

    /// <summary>Writes the grain's durable state through the grain storage named "Default".</summary>
    /// <param name="value">The value to store.</param>
    Task WriteAsync(int value);
}

/// <summary>The durable state of a bench grain.</summary>
[GenerateSerializer]
public sealed class BenchState
{
    /// <summary>The last value written.</summary>
    [Id(0)]
    public int Value { get; set; }
}

/// <summary>The bench grain; its state lives in the default grain storage.</summary>
/// <param name="state">The state "bench" in the default grain storage.</param>
[GrainType("bench")]
public sealed class BenchGrain([PersistentState("bench")] IPersistentState<BenchState> state) : Grain, IBenchGrain
{
    private int _sum;

    /// <inheritdoc />
    public Task<int> AddAsync(int value) => Task.FromResult(_sum += value);

    /// <inheritdoc />
    public async Task<int> YieldAsync(int value)
    {
        await Task.Yield();
        return _sum += value;
    }

    /// <inheritdoc />
    public Task<int> ForwardAsync(string otherKey, int value) => GrainFactory.GetGrain<IBenchGrain>(otherKey).AddAsync(value);

    /// <inheritdoc />
    public Task WriteAsync(int value)
    {
        state.State.Value = value;
        return state.WriteStateAsync();
    }
}
