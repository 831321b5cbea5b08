namespace Stackl.Runtime;

/// <summary>Lets a grain method run while another turn of the same activation is in progress.</summary>
/// <remarks>Use it for read-only queries only: such a method may run concurrently with a turn that is awaiting something, so it must not change state.</remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class AlwaysInterleaveAttribute : Attribute
{
}
