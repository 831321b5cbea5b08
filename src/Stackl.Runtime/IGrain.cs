namespace Stackl.Runtime;

/// <summary>Marks a grain interface. Grain interfaces declare methods that return <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>.</summary>
#pragma warning disable CA1040 // A marker interface is how grain interfaces are recognised, as in Orleans.
public interface IGrain
{
}
#pragma warning restore CA1040
