using System.Linq.Expressions;
using System.Reflection;

namespace Stackl.Runtime.Core;

/// <summary>How one grain interface method is invoked: a compiled call on the grain plus its typed completion.</summary>
internal abstract class GrainMethod
{
    protected GrainMethod(GrainInterfaceInfo grainInterface, MethodInfo method)
    {
        Interface = grainInterface;
        Method = method;
        Name = $"{method.DeclaringType!.Name}.{method.Name}";
        AlwaysInterleave = method.GetCustomAttribute<AlwaysInterleaveAttribute>() is not null;
        InvokeOnGrain = CompileInvoker(method);
    }

    public GrainInterfaceInfo Interface { get; }

    public MethodInfo Method { get; }

    public string Name { get; }

    public bool AlwaysInterleave { get; }

    /// <summary>Calls the method on a grain instance and returns its task (Task or Task&lt;T&gt;).</summary>
    public Func<object, object?[]?, Task> InvokeOnGrain { get; }

    public static GrainMethod Create(GrainInterfaceInfo grainInterface, MethodInfo method)
    {
        var returnType = method.ReturnType;
        Type resultType;
        if (returnType == typeof(Task) || returnType == typeof(ValueTask))
        {
            resultType = typeof(object);
        }
        else if (returnType.IsGenericType && (returnType.GetGenericTypeDefinition() == typeof(Task<>) || returnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            resultType = returnType.GetGenericArguments()[0];
        }
        else
        {
            throw new InvalidOperationException($"Grain method {method.DeclaringType!.FullName}.{method.Name} returns {returnType.Name}; grain methods return Task, Task<T>, ValueTask or ValueTask<T>.");
        }

        var type = typeof(GrainMethod<>).MakeGenericType(resultType);
        return (GrainMethod)Activator.CreateInstance(type, grainInterface, method)!;
    }

    /// <summary>Turns the runtime's task into what the proxy must return (Task, Task&lt;T&gt;, ValueTask, ValueTask&lt;T&gt;).</summary>
    public abstract object ToReturnValue(Task task);

    public abstract Task FromException(Exception exception);

    public abstract CallWorkItem CreateCallItem(object?[]? arguments, CallChain? chain);

    public abstract Task WithTimeout(Task task, TimeSpan timeout, TimeProvider timeProvider, GrainId target);

    /// <summary>Runs <paramref name="call"/> once <paramref name="prerequisite"/> succeeded, as a task of this method's return type.</summary>
    public abstract Task RunAfter(Task prerequisite, Func<Task> call);

    private static Func<object, object?[]?, Task> CompileInvoker(MethodInfo method)
    {
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var parameters = method.GetParameters();
        var callArgs = new Expression[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            callArgs[i] = Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), parameters[i].ParameterType);
        }

        Expression call = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, callArgs);
        if (method.ReturnType == typeof(ValueTask) || (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            call = Expression.Call(call, method.ReturnType.GetMethod(nameof(ValueTask.AsTask))!);
        }

        return Expression.Lambda<Func<object, object?[]?, Task>>(Expression.Convert(call, typeof(Task)), grain, args).Compile();
    }
}

/// <summary>A grain method whose result is <typeparamref name="TResult"/> (<see cref="object"/> for methods without one).</summary>
internal sealed class GrainMethod<TResult> : GrainMethod
{
    private readonly bool _isValueTask;
    private readonly bool _hasResult;

    public GrainMethod(GrainInterfaceInfo grainInterface, MethodInfo method) : base(grainInterface, method)
    {
        var returnType = method.ReturnType;
        _isValueTask = returnType == typeof(ValueTask) || (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>));
        _hasResult = returnType.IsGenericType;
    }

    public override object ToReturnValue(Task task)
    {
        if (!_isValueTask)
        {
            return task;
        }

        return _hasResult ? new ValueTask<TResult>((Task<TResult>)task) : new ValueTask(task);
    }

    public override Task FromException(Exception exception) =>
        _hasResult ? Task.FromException<TResult>(exception) : Task.FromException(exception);

    public override CallWorkItem CreateCallItem(object?[]? arguments, CallChain? chain) => new CallWorkItem<TResult>(this, arguments, chain, _hasResult);

    public override Task WithTimeout(Task task, TimeSpan timeout, TimeProvider timeProvider, GrainId target) =>
        _hasResult ? WaitTyped((Task<TResult>)task, timeout, timeProvider, target) : WaitUntyped(task, timeout, timeProvider, target);

    public override Task RunAfter(Task prerequisite, Func<Task> call) =>
        _hasResult ? RunAfterTyped(prerequisite, call) : RunAfterUntyped(prerequisite, call);

    private static async Task<TResult> RunAfterTyped(Task prerequisite, Func<Task> call)
    {
        await prerequisite.ConfigureAwait(false);
        return await ((Task<TResult>)call()).ConfigureAwait(false);
    }

    private static async Task RunAfterUntyped(Task prerequisite, Func<Task> call)
    {
        await prerequisite.ConfigureAwait(false);
        await call().ConfigureAwait(false);
    }

    private async Task<TResult> WaitTyped(Task<TResult> task, TimeSpan timeout, TimeProvider timeProvider, GrainId target)
    {
        try
        {
            return await task.WaitAsync(timeout, timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw TimedOut(target, timeout);
        }
    }

    private async Task WaitUntyped(Task task, TimeSpan timeout, TimeProvider timeProvider, GrainId target)
    {
        try
        {
            await task.WaitAsync(timeout, timeProvider).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw TimedOut(target, timeout);
        }
    }

    private GrainCallTimeoutException TimedOut(GrainId target, TimeSpan timeout) =>
        new($"Call to {Name} on grain {target} did not finish within {timeout.TotalSeconds:0.###} s (Stackl:Silo:CallTimeout).");
}
