using Orleans.Serialization.Cloning;

namespace Stackl.Tasks;

/// <summary>Passes Stackl's grain messages by reference between grains of one silo instead of copying them.</summary>
/// <remarks>Every message is an immutable record (its collections and <see cref="System.Text.Json.JsonElement"/>s are never changed after it is built), so the defensive copy Orleans makes of mutable arguments is wasted work.</remarks>
internal sealed class ImmutableMessageCopier : IGeneralizedCopier
{
    public object? DeepCopy(object? input, CopyContext context) => input;

    public bool IsSupportedType(Type type) => GrainJson.IsMessageType(type);
}
