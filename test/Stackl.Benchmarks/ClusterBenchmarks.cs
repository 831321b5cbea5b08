using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Stackl.Client;
using Stackl.Client.Orleans;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Benchmarks;

/// <summary>
/// Durable <c>document/put</c> tasks through the HTTP API of built silo processes on one PostgreSQL: one silo, then a cluster of
/// three, with producers spread over the silos as a load balancer would; then the same through Orleans' cluster client.
/// </summary>
public static class ClusterBenchmarks
{
    /// <summary>The concurrent producers of the closed loops.</summary>
    internal const int Producers = 64;

    /// <summary>Measures 1 and 3 silos and prints the figures.</summary>
    public static async Task RunAsync(TimeSpan duration)
    {
        foreach (var siloCount in new[] { 1, 3 })
        {
            var connectionString = await PostgresServer.Shared.CreateDatabaseAsync($"bench_cluster{siloCount}");
            var clusterId = $"bench{Guid.NewGuid():N}";
            var silos = new List<SiloProcess>();
            try
            {
                for (var i = 0; i < siloCount; i++)
                {
                    silos.Add(await SiloProcess.StartPostgresAsync(connectionString, clusterId, $"bench-{i}"));
                }

                var clients = silos.Select(s => s.CreateClient()).ToList();
                await MeasureAsync($"(h) {siloCount} silo process(es), PostgreSQL, HTTP POST /api/tasks?wait=", silos, (p, key, i) => PutOverHttpAsync(clients[p % clients.Count], key, i), duration);
                clients.ForEach(c => c.Dispose());

                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                builder.AddStacklClusterClient(o =>
                {
                    o.ClusterId = clusterId;
                    o.ConnectionString = connectionString;
                    o.ApiKey = TestKeys.Admin;
                });
                using var host = builder.Build();
                await host.StartAsync();
                var cluster = host.Services.GetRequiredService<IStacklClient>();
                await MeasureAsync($"(i) {siloCount} silo process(es), PostgreSQL, Orleans cluster client (Stackl.Client.Orleans)", silos, (_, key, i) => PutOverClusterClientAsync(cluster, key, i), duration);
                await host.StopAsync();
            }
            finally
            {
                foreach (var silo in silos)
                {
                    silo.Dispose();
                }
            }
        }
    }

    private static TimeSpan WarmUp(TimeSpan duration) => duration < TimeSpan.FromSeconds(5) ? duration : TimeSpan.FromSeconds(5);

    private static async Task MeasureAsync(string label, List<SiloProcess> silos, Func<int, string, long, Task<bool>> put, TimeSpan duration)
    {
        await ClosedLoopAsync(put, WarmUp(duration));
        var before = CpuSample.Take(silos);
        var (perSecond, failed) = await ClosedLoopAsync(put, duration);
        var cpu = CpuSample.Take(silos).Since(before, perSecond * duration.TotalSeconds);
        var (p50, p99) = await SequentialAsync(put, duration);
        Console.WriteLine($"{label}: {perSecond,7:N0} put tasks/s with {Producers} producers ({failed} not completed); sequential submit-and-wait p50 {p50:0.00} ms, p99 {p99:0.00} ms");
        Console.WriteLine($"    CPU per task: silos {cpu.SiloMs:0.00} ms, load generator {cpu.ClientMs:0.00} ms, the rest (PostgreSQL, kernel) {cpu.RestMs:0.00} ms; machine busy {cpu.BusyPercent:0} %");
    }

    /// <summary>Runs <see cref="Producers"/> producers, each calling <paramref name="put"/> in a loop for <paramref name="duration"/>; completed tasks per second and the count that did not complete.</summary>
    internal static async Task<(double PerSecond, long Failed)> ClosedLoopAsync(Func<int, string, long, Task<bool>> put, TimeSpan duration)
    {
        long completed = 0;
        long failed = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (long i = 0; Stopwatch.GetTimestamp() < stopAt; i++)
            {
                if (await put(p, $"bench/{p}/{i % 100}", i))
                {
                    Interlocked.Increment(ref completed);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })));
        return (completed / Stopwatch.GetElapsedTime(started).TotalSeconds, failed);
    }

    /// <summary>One producer calling <paramref name="put"/> back to back for <paramref name="duration"/>; p50 and p99 in milliseconds.</summary>
    internal static async Task<(double P50, double P99)> SequentialAsync(Func<int, string, long, Task<bool>> put, TimeSpan duration)
    {
        var samples = new List<double>();
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        for (long i = 0; Stopwatch.GetTimestamp() < stopAt; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await put(0, "bench/sequential", i);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        samples.Sort();
        return (samples[samples.Count / 2], samples[Math.Min(samples.Count - 1, (int)(samples.Count * 0.99))]);
    }

    private static async Task<bool> PutOverClusterClientAsync(IStacklClient client, string key, long value)
    {
        var payload = JsonSerializer.SerializeToElement(new { key, value = new { n = value, note = "a small document" } });
        var task = await client.SubmitAsync(new TaskSpec("document", "put", payload), wait: TimeSpan.FromSeconds(10));
        return task.Status == TaskStatus.Completed;
    }

    private static Task<bool> PutOverHttpAsync(HttpClient client, string key, long value) => SiloProcess.PutAsync(client, key, value, "10s");

    /// <summary>CPU time of the silo processes, of this process and of the whole machine (<c>/proc/stat</c>), to say where a task's cost goes.</summary>
    internal sealed record CpuSample(TimeSpan Silos, TimeSpan Client, double MachineBusySeconds, double MachineTotalSeconds)
    {
        public static CpuSample Take(IReadOnlyList<SiloProcess> silos)
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => double.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var ticks = 100.0; // USER_HZ on Linux
            var idle = fields[3] + fields[4];
            return new CpuSample(
                TimeSpan.FromTicks(silos.Sum(s => s.CpuTime.Ticks)),
                Process.GetCurrentProcess().TotalProcessorTime,
                (fields.Take(8).Sum() - idle) / ticks,
                fields.Take(8).Sum() / ticks);
        }

        public (double SiloMs, double ClientMs, double RestMs, double BusyPercent) Since(CpuSample before, double tasks)
        {
            var silo = (Silos - before.Silos).TotalMilliseconds / tasks;
            var client = (Client - before.Client).TotalMilliseconds / tasks;
            var busy = (MachineBusySeconds - before.MachineBusySeconds) * 1000 / tasks;
            return (silo, client, busy - silo - client, 100 * (MachineBusySeconds - before.MachineBusySeconds) / (MachineTotalSeconds - before.MachineTotalSeconds));
        }
    }
}
