namespace Stackl.Storage;

/// <summary>The unique key of one named state of one grain in a grain-state store.</summary>
/// <param name="GrainType">The grain type name.</param>
/// <param name="GrainKey">The grain key.</param>
/// <param name="StateName">The state's name within the grain.</param>
public readonly record struct GrainStateKey(string GrainType, string GrainKey, string StateName)
{
    /// <inheritdoc />
    public override string ToString() => $"{GrainType}/{GrainKey}#{StateName}";
}
