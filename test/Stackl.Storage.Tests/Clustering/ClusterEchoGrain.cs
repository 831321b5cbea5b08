namespace Stackl.Storage.Tests.Clustering;

/// <summary>A grain a cluster client can call through a gateway.</summary>
public interface IClusterEchoGrain : Orleans.IGrainWithStringKey
{
    /// <summary>Returns the text with the grain's key and the silo that ran it.</summary>
    Task<string> EchoAsync(string text);
}

/// <summary>Answers with its key, the text and the silo it runs on.</summary>
public sealed class ClusterEchoGrain(Orleans.Runtime.ILocalSiloDetails silo) : Orleans.Grain, IClusterEchoGrain
{
    /// <inheritdoc />
    public Task<string> EchoAsync(string text) => Task.FromResult($"{this.GetPrimaryKeyString()}:{text}@{silo.SiloAddress}");
}
