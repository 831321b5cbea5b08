using System.Collections.Concurrent;
using System.Reflection;

namespace Stackl.Runtime.Core;

/// <summary>Maps grain interfaces and stable grain type names to their implementation classes.</summary>
internal sealed class GrainTypeRegistry
{
    private static readonly MethodInfo s_receiveReminder = typeof(IRemindable).GetMethod(nameof(IRemindable.ReceiveReminderAsync))!;

    private readonly Dictionary<Type, GrainInterfaceInfo> _byInterface = [];
    private readonly Dictionary<string, GrainInterfaceInfo> _byGrainType = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, GrainFactoryMethod> _factories = new();

    public GrainTypeRegistry(IEnumerable<Assembly> assemblies)
    {
        foreach (var assembly in assemblies.Distinct())
        {
            foreach (var type in assembly.GetTypes())
            {
                if (!type.IsClass || type.IsAbstract || !typeof(Grain).IsAssignableFrom(type))
                {
                    continue;
                }

                foreach (var grainInterface in type.GetInterfaces())
                {
                    if (!typeof(IGrainWithStringKey).IsAssignableFrom(grainInterface) || grainInterface == typeof(IGrainWithStringKey))
                    {
                        continue;
                    }

                    if (_byInterface.TryGetValue(grainInterface, out var existing))
                    {
                        throw new InvalidOperationException($"Grain interface {grainInterface.FullName} is implemented by both {existing.ImplementationType.FullName} and {type.FullName}; keep one.");
                    }

                    var info = new GrainInterfaceInfo(grainInterface, type);
                    if (_byGrainType.TryGetValue(info.GrainType, out var clash))
                    {
                        throw new InvalidOperationException($"Grain type name '{info.GrainType}' is used by {clash.InterfaceType.FullName} and {grainInterface.FullName}; give one a different [GrainType].");
                    }

                    _byInterface[grainInterface] = info;
                    _byGrainType[info.GrainType] = info;
                }
            }
        }
    }

    public IEnumerable<GrainInterfaceInfo> Interfaces => _byInterface.Values;

    public GrainInterfaceInfo Get(Type interfaceType) =>
        _byInterface.TryGetValue(interfaceType, out var info)
            ? info
            : throw new InvalidOperationException($"No grain class implements {interfaceType.FullName}; register its assembly with SiloBuilder.AddGrains.");

    public GrainInterfaceInfo Get(string grainType) =>
        _byGrainType.TryGetValue(grainType, out var info)
            ? info
            : throw new InvalidOperationException($"Unknown grain type '{grainType}'; register its assembly with SiloBuilder.AddGrains.");

    public bool TryGet(string grainType, out GrainInterfaceInfo info) => _byGrainType.TryGetValue(grainType, out info!);

    /// <summary>The <see cref="IRemindable.ReceiveReminderAsync"/> method of a grain type, or null when its class is not remindable.</summary>
    public GrainMethod? GetReminderMethod(GrainInterfaceInfo info) =>
        typeof(IRemindable).IsAssignableFrom(info.ImplementationType) ? _reminderMethods.GetOrAdd(info, static i => GrainMethod.Create(i, s_receiveReminder)) : null;

    private readonly ConcurrentDictionary<GrainInterfaceInfo, GrainMethod> _reminderMethods = new();

    public GrainFactoryMethod GetFactory(Type implementationType) => _factories.GetOrAdd(implementationType, static t => new GrainFactoryMethod(t));
}
