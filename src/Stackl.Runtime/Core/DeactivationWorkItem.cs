namespace Stackl.Runtime.Core;

/// <summary>The last turn of an activation: runs <see cref="Grain.OnDeactivateAsync"/> and sends queued calls on.</summary>
internal sealed class DeactivationWorkItem(DeactivationReason reason) : WorkItem
{
    public override Task Start(ActivationData activation) => activation.DeactivateAsync(reason);

    public override void Complete(Task turn)
    {
    }

    public override void Redispatch(SiloRuntime runtime, GrainId target)
    {
    }

    public override void Fail(Exception exception)
    {
    }
}
