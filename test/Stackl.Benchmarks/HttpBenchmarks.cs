using Stackl.Testing.Databases;

namespace Stackl.Benchmarks;

/// <summary>
/// Durable <c>document/put</c> tasks through the HTTP API of one built silo process (<c>POST /api/tasks?wait=5s</c> on keep-alive
/// connections): the embedded SQLite silo, then optionally one PostgreSQL silo. The in-process figures of the same tasks are
/// <see cref="TaskBenchmarks"/>'s.
/// </summary>
public static class HttpBenchmarks
{
    /// <summary>The warm-up of a fresh silo process before its figures.</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(15);

    /// <summary>Measures the SQLite silo, and the PostgreSQL one when <paramref name="postgres"/>; prints the figures.</summary>
    /// <param name="duration">The measuring time of each figure.</param>
    /// <param name="postgres">Also measure a silo on PostgreSQL (the test fixture's server).</param>
    /// <param name="attach">A running silo to measure instead of starting one (its address and process id), e.g. to profile it.</param>
    public static async Task RunAsync(TimeSpan duration, bool postgres, (Uri Address, int ProcessId)? attach = null)
    {
        using (var silo = attach is { } running ? SiloProcess.Attach(running.Address, running.ProcessId) : await SiloProcess.StartSqliteAsync("bench-http"))
        {
            await MeasureAsync("SQLite", silo, duration);
        }

        if (postgres)
        {
            var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("bench_http");
            using var silo = await SiloProcess.StartPostgresAsync(connectionString, $"bench{Guid.NewGuid():N}", "bench-http");
            await MeasureAsync("PostgreSQL", silo, duration);
        }
    }

    private static async Task MeasureAsync(string engine, SiloProcess silo, TimeSpan duration)
    {
        using var client = silo.CreateClient();
        var run = Guid.NewGuid().ToString("N")[..8];
        Task<bool> Put(int producer, string _, long i) => SiloProcess.PutAsync(client, $"http/{run}/{producer}", i, "5s");

        // Not measured: the silo process is fresh, and tiered JIT needs many seconds of load before its hot paths run optimized code
        // (after a 5 s warm-up the silo still spent 2.3 ms of CPU per task, after 15 s 0.6 ms).
        await ClusterBenchmarks.ClosedLoopAsync(Put, WarmUp);
        var before = ClusterBenchmarks.CpuSample.Take([silo]);
        var (perSecond, failed) = await ClusterBenchmarks.ClosedLoopAsync(Put, duration);
        var cpu = ClusterBenchmarks.CpuSample.Take([silo]).Since(before, perSecond * duration.TotalSeconds);
        Console.WriteLine($"(j) durable document/put tasks/s over HTTP, {ClusterBenchmarks.Producers} keep-alive clients each on its own key, one silo process, {engine}: {perSecond,8:N0}  ({failed} not completed)");
        Console.WriteLine($"    CPU per task: silo {cpu.SiloMs:0.00} ms, load generator {cpu.ClientMs:0.00} ms, the rest {cpu.RestMs:0.00} ms; machine busy {cpu.BusyPercent:0} %");

        var sequentialBefore = ClusterBenchmarks.CpuSample.Take([silo]);
        var count = 0L;
        var (p50, p99) = await ClusterBenchmarks.SequentialAsync(
            (p, key, i) =>
            {
                count++;
                return Put(p, key, i);
            },
            duration);
        var sequentialCpu = ClusterBenchmarks.CpuSample.Take([silo]).Since(sequentialBefore, count);
        Console.WriteLine($"(k) sequential submit-and-wait over HTTP, one client, {engine}: p50 {p50:0.00} ms, p99 {p99:0.00} ms  ({count:N0} tasks; silo CPU per task {sequentialCpu.SiloMs:0.00} ms)");
    }
}
