namespace Stackl.Runtime;

/// <summary>Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/> to be filled with the named state.</summary>
/// <param name="stateName">The state's name within the grain; stable, it is part of the storage key.</param>
/// <param name="storageName">
/// The grain-state store to use: a keyed <see cref="Storage.IGrainStateStore"/> service of this name, or the silo's default store
/// when null or when no store of that name is registered.
/// </param>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>The state's name within the grain.</summary>
    public string StateName { get; } = stateName;

    /// <summary>The named store, or null for the default one.</summary>
    public string? StorageName { get; } = storageName;
}
