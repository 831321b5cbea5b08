using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Runtime.Storage;

namespace Stackl.Runtime.Core;

/// <summary>Creates grain instances: services from the container, persistent states from their attribute.</summary>
internal sealed class GrainFactoryMethod
{
    private readonly ConstructorInfo _constructor;
    private readonly ParameterInfo[] _parameters;

    public GrainFactoryMethod(Type implementationType)
    {
        var constructors = implementationType.GetConstructors();
        if (constructors.Length == 0)
        {
            throw new InvalidOperationException($"Grain class {implementationType.FullName} has no public constructor.");
        }

        _constructor = constructors.OrderByDescending(c => c.GetParameters().Length).First();
        _parameters = _constructor.GetParameters();
        foreach (var parameter in _parameters)
        {
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is not null &&
                !(parameter.ParameterType.IsGenericType && parameter.ParameterType.GetGenericTypeDefinition() == typeof(IPersistentState<>)))
            {
                throw new InvalidOperationException($"Parameter '{parameter.Name}' of {implementationType.Name} has [PersistentState] but is not IPersistentState<T>.");
            }
        }
    }

    public Grain Create(ActivationData activation, List<IActivationState> states)
    {
        var services = activation.Runtime.Services;
        var arguments = new object?[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            var parameter = _parameters[i];
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } stateAttribute)
            {
                var stateType = parameter.ParameterType.GetGenericArguments()[0];
                var store = stateAttribute.StorageName is { } storageName
                    ? services.GetKeyedService<IGrainStateStore>(storageName) ?? activation.Runtime.GrainStateStore
                    : activation.Runtime.GrainStateStore;
                var state = (IActivationState)Activator.CreateInstance(typeof(PersistentState<>).MakeGenericType(stateType), activation, stateAttribute.StateName, store)!;
                states.Add(state);
                arguments[i] = state;
            }
            else
            {
                arguments[i] = services.GetRequiredService(parameter.ParameterType);
            }
        }

        return (Grain)_constructor.Invoke(arguments);
    }
}
