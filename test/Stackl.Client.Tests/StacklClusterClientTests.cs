using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Stackl.Client.Orleans;
using Stackl.Contracts;
using Stackl.Grains.Abstractions;
using Stackl.Tasks;

namespace Stackl.Client.Tests;

/// <summary>The SDK's suite over the Orleans cluster transport (through the in-process silo's gateway), plus what only that transport has.</summary>
[Collection(InProcessSiloCollection.Name)]
public sealed class StacklClusterClientTests(InProcessSilo silo) : StacklClientSuite, IAsyncLifetime
{
    private ClusterClientHost? _host;

    protected override IStacklClient Client => Host.Client;

    private ClusterClientHost Host => _host ?? throw new InvalidOperationException("The cluster client is not started.");

    public async Task InitializeAsync() => _host = await silo.ClusterClientAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Wait_LongerThanOneCallWait_LoopsUntilTheTaskIsFinal()
    {
        // Grain calls that wait 200 ms each: a 1.5 s task needs several of them.
        var client = new StacklClusterClient(Host.Services.GetRequiredService<IClusterClient>(), new StacklClusterClientOptions { MaxCallWait = TimeSpan.FromMilliseconds(200) });

        var task = await client.SubmitAsync(TestJson.Sleep(1500), wait: TimeSpan.FromSeconds(30));

        Assert.Equal(TaskStatus.Completed, task.Status);
    }

    [Fact]
    public async Task Watch_QuietLongerThanTheResponseTimeout_KeepsStreamingUntilTheFinalStatus()
    {
        // Nothing happens for 7 s, longer than the client's 5 s response timeout: the watch's keep-alives hold the call open.
        var accepted = await Client.SubmitAsync(TestJson.Sleep(7000), wait: TimeSpan.Zero);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var events = new List<TaskEvent>();
        await foreach (var taskEvent in Client.WatchAsync(accepted.Id, timeout.Token))
        {
            events.Add(taskEvent);
        }

        Assert.Equal(TaskStatus.Completed, events[^1].Status);
        Assert.All(events, e => Assert.NotNull(e));
    }

    [Fact]
    public void GatewayMessages_RoundTripThroughTheClientsAndTheSilosSerializers()
    {
        var clientTypes = Stackl.Testing.GrainMessageSerialization.AssertAllRoundTrip(Host.Services, StacklWireSerialization.JsonOptions, typeof(IStacklGatewayGrain).Assembly);
        var siloTypes = Stackl.Testing.GrainMessageSerialization.AssertAllRoundTrip(silo.Services, GrainJson.Options, typeof(IStacklGatewayGrain).Assembly);

        Assert.Contains(typeof(TaskSpec), clientTypes);
        Assert.Contains(typeof(TaskEvent), clientTypes);
        Assert.Equal(clientTypes, siloTypes);
    }

    [Fact]
    public void GatewayMessages_WrittenByTheSilo_ReadByTheClient()
    {
        var siloSerializer = silo.Services.GetRequiredService<Serializer>();
        var clientSerializer = Host.Services.GetRequiredService<Serializer>();
        var cluster = new ClusterView("silo-1", [new SiloView("silo-1", "Active", DateTimeOffset.UnixEpoch, 3)], new Dictionary<string, long> { ["Completed"] = 2 });

        var view = clientSerializer.Deserialize<ClusterView>(siloSerializer.SerializeToArray(cluster));
        var refused = clientSerializer.Deserialize<Exception>(siloSerializer.SerializeToArray<Exception>(new StacklGatewayException(409, "task_final", "Task x is already Completed.")));
        var status = clientSerializer.Deserialize<TaskStatus?>(siloSerializer.SerializeToArray<TaskStatus?>(TaskStatus.RollbackFailed));

        Assert.Equal(cluster.Silos, view!.Silos);
        Assert.Equal(2, view.Tasks["Completed"]);
        var gateway = Assert.IsType<StacklGatewayException>(refused);
        Assert.Equal((409, "task_final", "Task x is already Completed."), (gateway.StatusCode, gateway.Code, gateway.Message));
        Assert.Equal(TaskStatus.RollbackFailed, status);
    }

    [Fact]
    public void Options_ConnectionStringAndGatewaysBoth_AreRefusedNamingBoth()
    {
        var options = new StacklClusterClientOptions { ConnectionString = "Host=db" };
        options.Gateways.Add(new IPEndPoint(IPAddress.Loopback, 30000));

        var refused = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("ConnectionString", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Gateways", refused.Message, StringComparison.Ordinal);
    }
}
