namespace Stackl.Runtime;

/// <summary>Gives references to grains; a reference is cheap and the grain is activated on its first call.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a typed reference to the grain with this key.</summary>
    /// <typeparam name="TGrainInterface">The grain interface.</typeparam>
    /// <param name="key">The grain's key.</param>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}
