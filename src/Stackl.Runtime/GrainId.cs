namespace Stackl.Runtime;

/// <summary>The identity of a grain: its stable type name and its string key.</summary>
/// <param name="Type">The grain type name, from <see cref="GrainTypeAttribute"/> or the interface's full name.</param>
/// <param name="Key">The grain's key within its type.</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}
