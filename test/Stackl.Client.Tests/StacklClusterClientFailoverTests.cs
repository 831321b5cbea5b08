using System.Diagnostics;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;
using Xunit.Abstractions;

namespace Stackl.Client.Tests;

/// <summary>
/// The cluster transport against three built silos in one PostgreSQL cluster: the client finds the gateways in the membership
/// table, and when the silo whose gateway it uses is killed (SIGKILL) in the middle of its waits, it moves to another gateway
/// and its waits end with the tasks final.
/// </summary>
public sealed class StacklClusterClientFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_taskTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Wait_GatewaySiloKilledMidWait_MovesToAnotherGatewayAndEndsWithTheTaskFinal()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("clusterclient");
        var clusterId = $"c{Guid.NewGuid():N}";
        await using var first = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "silo-a", "silo-a start");
        await using var second = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "silo-b", "silo-b start");
        await using var third = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "silo-c", "silo-c start");
        SiloProcess[] silos = [first, second, third];
        using (var http = first.Client())
        {
            await Eventually.ValueAsync(
                "the three silos are Active in /api/cluster",
                () => http.GetClusterAsync(),
                cluster => cluster.Silos.Count(s => s.Status == "Active") == 3,
                TimeSpan.FromSeconds(60));
        }

        await using var host = await ClusterClientHost.StartAsync(o =>
        {
            o.ClusterId = clusterId;
            o.ConnectionString = connectionString;
            o.ApiKey = TestKeys.Admin;
        });
        var client = host.Client;

        // The gateway grain runs on the silo whose gateway received the call: that is the silo the client talks through.
        var gatewayName = (await client.GetClusterAsync()).Self;
        var gateway = silos.Single(s => s.Name == gatewayName);
        var other = silos.First(s => s != gateway);
        using var viaOther = other.Client();

        // A task runs on the silo that accepted it: one on the gateway's silo (through the cluster client), one on another silo.
        var onGateway = await client.SubmitAsync(TestJson.Sleep(8000, timeout: s_taskTimeout), wait: TimeSpan.Zero);
        var onOther = await viaOther.SubmitAsync(TestJson.Sleep(8000, timeout: s_taskTimeout), wait: TimeSpan.Zero);
        var clock = new Stopwatch();
        var waitOnGateway = TimedAsync(clock, () => client.WaitAsync(onGateway.Id, TimeSpan.FromSeconds(90)));
        var waitOnOther = TimedAsync(clock, () => client.WaitAsync(onOther.Id, TimeSpan.FromSeconds(90)));
        await Eventually.ValueAsync($"task {onOther.Id} runs", () => viaOther.GetAsync(onOther.Id), t => t.Status == TaskStatus.Running, TimeSpan.FromSeconds(10));
        Assert.False(waitOnGateway.IsCompleted || waitOnOther.IsCompleted, "Both waits should still be waiting when the gateway's silo is killed.");

        clock.Start();
        await gateway.KillAsync();

        // The first call that gets through after the kill: the client has moved to another gateway.
        var (cluster, reconnectedAfter) = await TimedAsync(clock, () => Eventually.ValueAsync(
            "the cluster client answers through another gateway",
            async () =>
            {
                try
                {
                    return await client.GetClusterAsync();
                }
                catch (StacklConnectionException)
                {
                    return null;
                }
            },
            c => c is not null,
            TimeSpan.FromSeconds(60)));
        var (otherTask, otherAfter) = await waitOnOther;
        var (gatewayTask, gatewayAfter) = await waitOnGateway;
        output.WriteLine($"killed the gateway's silo {gatewayName}; the client answered through {cluster!.Self} {reconnectedAfter.TotalSeconds:0.0} s later");
        output.WriteLine($"the wait for task {onOther.Id} (on {other.Name}) ended {otherTask.Status} {otherAfter.TotalSeconds:0.0} s after the kill (the task sleeps 8 s from its submit)");
        output.WriteLine($"the wait for task {onGateway.Id} (on the killed {gatewayName}) ended {gatewayTask.Status} ({gatewayTask.Error?.Code}) {gatewayAfter.TotalSeconds:0.0} s after the kill");

        Assert.NotEqual(gatewayName, cluster.Self);
        Assert.Equal(TaskStatus.Completed, otherTask.Status);
        Assert.True(gatewayTask.Status.IsFinal(), $"task {gatewayTask.Id} should be final, but it is {gatewayTask.Status}.");
    }

    /// <summary>Runs <paramref name="call"/> and answers its result with the clock's reading when it ended.</summary>
    private static async Task<(T Value, TimeSpan At)> TimedAsync<T>(Stopwatch clock, Func<Task<T>> call)
    {
        var value = await call();
        return (value, clock.Elapsed);
    }
}
