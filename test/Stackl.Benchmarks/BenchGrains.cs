using System.Text.Json.Serialization;
using Stackl.Runtime;

namespace Stackl.Benchmarks;

[GrainType("bench")]
public interface IBenchGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int value);

    Task<int> ForwardAsync(string otherKey, int value);

    Task<int> YieldAsync(int value);

    Task WriteAsync(int value);
}

public sealed class BenchState
{
    public int Value { get; set; }
}

public sealed class BenchGrain([PersistentState("bench")] Stackl.Runtime.IPersistentState<BenchState> state) : Grain, IBenchGrain
{
    private int _sum;

    public Task<int> AddAsync(int value) => Task.FromResult(_sum += value);

    public async Task<int> YieldAsync(int value)
    {
        await Task.Yield();
        return _sum += value;
    }

    public Task<int> ForwardAsync(string otherKey, int value) => GrainFactory.GetGrain<IBenchGrain>(otherKey).AddAsync(value);

    public Task WriteAsync(int value)
    {
        state.State.Value = value;
        return state.WriteStateAsync();
    }
}

[JsonSerializable(typeof(BenchState))]
public sealed partial class BenchJsonContext : JsonSerializerContext;
