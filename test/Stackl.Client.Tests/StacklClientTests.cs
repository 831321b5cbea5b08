using System.Net;
using System.Net.Sockets;

namespace Stackl.Client.Tests;

/// <summary>The SDK's suite over HTTP, plus what only the HTTP transport has (server wait slices, its HttpClient, an unreachable address).</summary>
[Collection(InProcessSiloCollection.Name)]
public sealed class StacklClientTests(InProcessSilo silo) : StacklClientSuite, IDisposable
{
    private readonly StacklClient _client = silo.CreateClient();

    protected override IStacklClient Client => _client;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Wait_LongerThanOneServerWait_LoopsUntilTheTaskIsFinal()
    {
        // Server waits of 200 ms: a 1.5 s task needs several of them.
        using var client = silo.CreateClient(new StacklClientOptions { MaxServerWait = TimeSpan.FromMilliseconds(200) });

        var task = await client.SubmitAsync(TestJson.Sleep(1500), wait: TimeSpan.FromSeconds(30));

        Assert.Equal(TaskStatus.Completed, task.Status);
    }

    [Fact]
    public async Task UnreachableServer_ThrowsConnectionException()
    {
        using var client = new StacklClient(new Uri($"http://127.0.0.1:{ClosedPort()}"));

        var failure = await Assert.ThrowsAsync<StacklConnectionException>(() => client.GetClusterAsync());

        Assert.IsType<HttpRequestException>(failure.InnerException);
    }

    [Fact]
    public async Task Client_OverACallersHttpClient_UsesItsBaseAddress()
    {
        using var http = new HttpClient { BaseAddress = silo.BaseAddress };
        using var client = new StacklClient(http);

        var cluster = await client.GetClusterAsync();

        Assert.NotEmpty(cluster.Silos);
        Assert.Equal(silo.BaseAddress, client.BaseAddress);
    }

    /// <summary>A port nothing listens on: one the OS just handed out and that was closed again.</summary>
    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
