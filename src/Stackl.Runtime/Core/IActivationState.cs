namespace Stackl.Runtime.Core;

/// <summary>A persistent state the activation reads before <see cref="Grain.OnActivateAsync"/>.</summary>
internal interface IActivationState
{
    Task ReadStateAsync(CancellationToken cancellationToken = default);
}
