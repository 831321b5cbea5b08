using System.Reflection;

namespace Stackl.Runtime.Core;

/// <summary>A typed grain reference built with <see cref="DispatchProxy"/>: each interface call becomes a runtime call.</summary>
#pragma warning disable CA1852 // DispatchProxy derives from it at run time, so it cannot be sealed.
internal class GrainProxy : DispatchProxy
#pragma warning restore CA1852
{
    private SiloRuntime _runtime = null!;
    private GrainInterfaceInfo _interface = null!;
    private GrainId _grainId;

    public static TGrainInterface Create<TGrainInterface>(SiloRuntime runtime, GrainInterfaceInfo grainInterface, string key)
    {
        var proxy = DispatchProxy.Create(grainInterface.InterfaceType, typeof(GrainProxy));
        var grainProxy = (GrainProxy)proxy;
        grainProxy._runtime = runtime;
        grainProxy._interface = grainInterface;
        grainProxy._grainId = new GrainId(grainInterface.GrainType, key);
        return (TGrainInterface)proxy;
    }

    public override string ToString() => _grainId.ToString();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = _interface.GetMethod(targetMethod!);
        return method.ToReturnValue(_runtime.Invoke(_grainId, _interface, method, args));
    }
}
