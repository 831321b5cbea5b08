namespace Stackl.Runtime;

/// <summary>Gives a grain interface a stable type name for storage and routing (default: the interface's full name).</summary>
/// <param name="name">The stable name, e.g. <c>task</c>; renaming it orphans stored state.</param>
[AttributeUsage(AttributeTargets.Interface, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The stable type name.</summary>
    public string Name { get; } = name;
}
