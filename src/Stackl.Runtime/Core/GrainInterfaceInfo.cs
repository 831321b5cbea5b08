using System.Collections.Frozen;
using System.Reflection;

namespace Stackl.Runtime.Core;

/// <summary>One grain interface: its stable type name, its implementation class and its methods.</summary>
internal sealed class GrainInterfaceInfo
{
    public GrainInterfaceInfo(Type interfaceType, Type implementationType)
    {
        InterfaceType = interfaceType;
        ImplementationType = implementationType;
        GrainType = interfaceType.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? interfaceType.FullName!;
        var methods = new Dictionary<MethodInfo, GrainMethod>();
        foreach (var type in new[] { interfaceType }.Concat(interfaceType.GetInterfaces()))
        {
            if (type == typeof(IGrain) || type == typeof(IGrainWithStringKey))
            {
                continue;
            }

            foreach (var method in type.GetMethods())
            {
                methods[method] = GrainMethod.Create(this, method);
            }
        }

        Methods = methods.ToFrozenDictionary();
    }

    public Type InterfaceType { get; }

    public Type ImplementationType { get; }

    public string GrainType { get; }

    public FrozenDictionary<MethodInfo, GrainMethod> Methods { get; }

    public GrainMethod GetMethod(MethodInfo method) =>
        Methods.TryGetValue(method, out var grainMethod)
            ? grainMethod
            : throw new InvalidOperationException($"{method.Name} is not a method of grain interface {InterfaceType.Name}.");
}
