namespace Stackl.Runtime;

/// <summary>Marks a grain interface whose grains are named by a string key.</summary>
#pragma warning disable CA1040 // A marker interface, as in Orleans.
public interface IGrainWithStringKey : IGrain
{
}
#pragma warning restore CA1040
