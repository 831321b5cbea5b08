using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Runtime.Storage;

namespace Stackl.Runtime.Core;

/// <summary>Creates grain instances: services from the container, persistent states from their attribute.</summary>
/// <remarks>Reflection happens once per grain class, here; an activation only runs compiled delegates.</remarks>
internal sealed class GrainFactoryMethod
{
    private readonly Func<object?[], Grain> _construct;
    private readonly ArgumentSource[] _arguments;

    public GrainFactoryMethod(Type implementationType)
    {
        var constructors = implementationType.GetConstructors();
        if (constructors.Length == 0)
        {
            throw new InvalidOperationException($"Grain class {implementationType.FullName} has no public constructor.");
        }

        var constructor = constructors.OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = constructor.GetParameters();
        _arguments = new ArgumentSource[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is not { } state)
            {
                _arguments[i] = new ArgumentSource(parameter.ParameterType, null, null);
                continue;
            }

            if (!(parameter.ParameterType.IsGenericType && parameter.ParameterType.GetGenericTypeDefinition() == typeof(IPersistentState<>)))
            {
                throw new InvalidOperationException($"Parameter '{parameter.Name}' of {implementationType.Name} has [PersistentState] but is not IPersistentState<T>.");
            }

            _arguments[i] = new ArgumentSource(parameter.ParameterType, state, CompileStateFactory(parameter.ParameterType.GetGenericArguments()[0]));
        }

        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var construct = Expression.New(constructor, parameters.Select((p, i) => Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType)));
        _construct = Expression.Lambda<Func<object?[], Grain>>(Expression.Convert(construct, typeof(Grain)), arguments).Compile();
    }

    public Grain Create(ActivationData activation, List<IActivationState> states)
    {
        var services = activation.Runtime.Services;
        var arguments = new object?[_arguments.Length];
        for (var i = 0; i < _arguments.Length; i++)
        {
            var source = _arguments[i];
            if (source.State is not { } state)
            {
                arguments[i] = services.GetRequiredService(source.Type);
                continue;
            }

            var store = state.StorageName is { } storageName
                ? services.GetKeyedService<IGrainStateStore>(storageName) ?? activation.Runtime.GrainStateStore
                : activation.Runtime.GrainStateStore;
            var persistentState = source.CreateState!(activation, state.StateName, store);
            states.Add(persistentState);
            arguments[i] = persistentState;
        }

        return _construct(arguments);
    }

    private static Func<ActivationData, string, IGrainStateStore, IActivationState> CompileStateFactory(Type stateType)
    {
        var activation = Expression.Parameter(typeof(ActivationData), "activation");
        var name = Expression.Parameter(typeof(string), "name");
        var store = Expression.Parameter(typeof(IGrainStateStore), "store");
        var constructor = typeof(PersistentState<>).MakeGenericType(stateType).GetConstructor([typeof(ActivationData), typeof(string), typeof(IGrainStateStore)])!;
        return Expression.Lambda<Func<ActivationData, string, IGrainStateStore, IActivationState>>(
            Expression.Convert(Expression.New(constructor, activation, name, store), typeof(IActivationState)), activation, name, store).Compile();
    }

    private sealed record ArgumentSource(Type Type, PersistentStateAttribute? State, Func<ActivationData, string, IGrainStateStore, IActivationState>? CreateState);
}
