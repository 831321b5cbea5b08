using Stackl.Runtime;
using Stackl.Runtime.Core;
using Stackl.Runtime.Hosting;

namespace Stackl.Benchmarks;

/// <summary>
/// The proxy a source generator would emit for <see cref="IBenchGrain"/>: the method is resolved once and the call goes
/// straight to the runtime. It measures what a generator could save over <see cref="System.Reflection.DispatchProxy"/>.
/// </summary>
internal sealed class HandWrittenBenchProxy : IBenchGrain
{
    private readonly SiloRuntime _runtime;
    private readonly GrainInterfaceInfo _interface;
    private readonly GrainMethod _add;
    private readonly GrainId _grainId;

    public HandWrittenBenchProxy(Silo silo, string key)
    {
        _runtime = silo.Runtime;
        _interface = _runtime.Registry.Get(typeof(IBenchGrain));
        _add = _interface.GetMethod(typeof(IBenchGrain).GetMethod(nameof(IBenchGrain.AddAsync))!);
        _grainId = new GrainId(_interface.GrainType, key);
    }

    public Task<int> AddAsync(int value) => (Task<int>)_runtime.Invoke(_grainId, _interface, _add, [value]);

    public Task<int> ForwardAsync(string otherKey, int value) => throw new NotSupportedException();

    public Task WriteAsync(int value) => throw new NotSupportedException();

    public Task<int> YieldAsync(int value) => throw new NotSupportedException();
}

/// <summary>A grain factory that hands out <see cref="HandWrittenBenchProxy"/> references.</summary>
internal sealed class HandWrittenFactory(Silo silo) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey => (TGrainInterface)(object)new HandWrittenBenchProxy(silo, key);
}
