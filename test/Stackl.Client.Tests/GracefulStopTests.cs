using System.Diagnostics;
using System.Net;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;
using Xunit.Abstractions;

namespace Stackl.Client.Tests;

/// <summary>
/// SIGTERM to a silo of a two-silo PostgreSQL cluster (what Kubernetes sends in a rolling update): the silo stops taking work
/// and reports itself not ready, lets its running tasks finish within <c>Stackl:Tasks:DrainTimeout</c>, hands over the ones
/// that do not, and leaves the cluster.
/// </summary>
public sealed class GracefulStopTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_taskTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Sigterm_RunningTaskFinishesOnTheStoppingSilo_NewWorkIsRefused_AndTheSiloExits()
    {
        var type = $"drain{Guid.NewGuid():N}";
        var (connectionString, clusterId) = await NewClusterAsync();
        await using var survivor = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "survivor", "survivor start");
        await using var stopping = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "stopping", "stopping silo start");
        using var viaSurvivor = survivor.Client();
        using var viaStopping = stopping.Client();
        using var http = new HttpClient { BaseAddress = stopping.BaseAddress };
        var task = await viaStopping.SubmitAsync(TestJson.Sleep(4_000, [$"{type}/a"], s_taskTimeout), wait: TimeSpan.Zero);
        await Eventually.ValueAsync("the task holds its lock", () => viaSurvivor.ListLocksAsync(limit: 500), locks => locks.Any(l => l.Key == $"{type}/a"), TimeSpan.FromSeconds(30));

        stopping.Terminate();

        await Eventually.ValueAsync(
            "the stopping silo answers /health/ready with 503 while its task runs",
            async () =>
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            },
            ready => ready.StatusCode == HttpStatusCode.ServiceUnavailable && ready.Item2.Contains("Draining", StringComparison.Ordinal),
            TimeSpan.FromSeconds(3));
        var refused = await Assert.ThrowsAsync<StacklServerException>(() => viaStopping.SubmitAsync(TestJson.Echo("{}"), wait: TimeSpan.Zero));
        Assert.Equal(ErrorCodes.Unavailable, refused.Code);

        var final = await viaSurvivor.WaitAsync(task.Id, TimeSpan.FromSeconds(30));
        Assert.True(final.Status == TaskStatus.Completed, $"the task running when its silo was asked to stop should complete there, but it is {final.Status} ({final.Error})");
        Assert.Equal(0, await stopping.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await Eventually.ValueAsync("the stopped silo left the cluster", () => viaSurvivor.GetClusterAsync(), c => c.Silos.Count(s => s.Status == "Active") == 1, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Sigterm_TaskLongerThanTheDrain_IsHandedOverAndResolvedByTheSurvivor()
    {
        var type = $"handover{Guid.NewGuid():N}";
        var (connectionString, clusterId) = await NewClusterAsync();
        await using var survivor = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "survivor", "survivor start");
        await using var stopping = await SiloProcess.StartPostgresAsync(connectionString, clusterId, "stopping", "stopping silo start", "--Stackl:Tasks:DrainTimeout", "00:00:01");
        using var viaSurvivor = survivor.Client();
        using var viaStopping = stopping.Client();
        var task = await viaStopping.SubmitAsync(TestJson.Sleep(120_000, [$"{type}/a"], s_taskTimeout), wait: TimeSpan.Zero);
        await Eventually.ValueAsync("the task holds its lock", () => viaSurvivor.ListLocksAsync(limit: 500), locks => locks.Any(l => l.Key == $"{type}/a"), TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        stopping.Terminate();
        Assert.Equal(0, await stopping.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var final = await Eventually.ValueAsync(
            $"task {task.Id} is final (handed over to the survivor)",
            () => viaSurvivor.GetAsync(task.Id),
            t => t.Status.IsFinal(),
            TimeSpan.FromSeconds(30));
        output.WriteLine($"the task was final {clock.Elapsed.TotalSeconds:0.0} s after SIGTERM (its deadline was {s_taskTimeout.TotalSeconds:0} s away)");
        Assert.Equal(ErrorCodes.SiloLost, final.Error?.Code);
        Assert.DoesNotContain(await viaSurvivor.ListLocksAsync(limit: 500), l => l.Key.StartsWith(type, StringComparison.Ordinal));
    }

    private static async Task<(string ConnectionString, string ClusterId)> NewClusterAsync() =>
        (await PostgresServer.Shared.CreateDatabaseAsync("drain"), $"d{Guid.NewGuid():N}");
}
