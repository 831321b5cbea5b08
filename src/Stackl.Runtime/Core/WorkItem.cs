namespace Stackl.Runtime.Core;

/// <summary>One queued turn of an activation.</summary>
internal abstract class WorkItem
{
    /// <summary>Starts the turn on <paramref name="activation"/>'s grain; never throws, faults are in the task.</summary>
    public abstract Task Start(ActivationData activation);

    /// <summary>Called once the turn's task has completed.</summary>
    public abstract void Complete(Task turn);

    /// <summary>The activation ended before this item ran: send it to the grain's next activation.</summary>
    public abstract void Redispatch(SiloRuntime runtime, GrainId target);

    /// <summary>The activation failed or the silo stopped: fail the item.</summary>
    public abstract void Fail(Exception exception);
}

/// <summary>A queued grain call.</summary>
internal abstract class CallWorkItem(GrainMethod method, object?[]? arguments, CallChain? chain) : WorkItem
{
    public GrainMethod Method { get; } = method;

    public object?[]? Arguments { get; } = arguments;

    public CallChain? Chain { get; } = chain;

    public abstract Task Task { get; }

    public override Task Start(ActivationData activation) => activation.RunTurn(Method, Arguments, Chain);
}

/// <summary>A queued grain call whose caller waits on a typed completion.</summary>
internal sealed class CallWorkItem<TResult>(GrainMethod method, object?[]? arguments, CallChain? chain, bool hasResult) : CallWorkItem(method, arguments, chain)
{
    // Continuations run inline: the caller resumes as soon as the turn ends, without a thread-pool hop.
    private readonly TaskCompletionSource<TResult> _completion = new();

    public override Task Task => _completion.Task;

    public override void Complete(Task turn)
    {
        if (turn.IsCompletedSuccessfully)
        {
            _completion.TrySetResult(hasResult ? ((Task<TResult>)turn).Result : default!);
        }
        else if (turn.IsCanceled)
        {
            _completion.TrySetCanceled();
        }
        else
        {
            _completion.TrySetException(turn.Exception!.InnerExceptions);
        }
    }

    public override void Redispatch(SiloRuntime runtime, GrainId target)
    {
        var task = runtime.InvokeWithoutTimeout(target, Method, Arguments, Chain);
        task.ContinueWith(static (t, state) => ((CallWorkItem<TResult>)state!).Complete(t), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
