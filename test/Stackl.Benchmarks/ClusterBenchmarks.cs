using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
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
    private const int Producers = 64;

    /// <summary>Measures 1 and 3 silos and prints the figures.</summary>
    public static async Task RunAsync(TimeSpan duration)
    {
        foreach (var siloCount in new[] { 1, 3 })
        {
            var connectionString = await PostgresServer.Shared.CreateDatabaseAsync($"bench_cluster{siloCount}");
            var clusterId = $"bench{Guid.NewGuid():N}";
            var silos = new List<SiloUnderBench>();
            try
            {
                for (var i = 0; i < siloCount; i++)
                {
                    silos.Add(await SiloUnderBench.StartAsync(connectionString, clusterId, $"bench-{i}"));
                }

                var clients = silos.Select(s => new HttpClient { BaseAddress = s.BaseAddress, Timeout = TimeSpan.FromSeconds(60) }).ToList();
                await MeasureAsync($"(h) {siloCount} silo process(es), PostgreSQL, HTTP POST /api/tasks?wait=", silos, (p, key, i) => PutOverHttpAsync(clients[p % clients.Count], key, i), duration);
                clients.ForEach(c => c.Dispose());

                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                builder.AddStacklClusterClient(o =>
                {
                    o.ClusterId = clusterId;
                    o.ConnectionString = connectionString;
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

    private static async Task MeasureAsync(string label, List<SiloUnderBench> silos, Func<int, string, long, Task<bool>> put, TimeSpan duration)
    {
        await ClosedLoopAsync(put, WarmUp(duration));
        var before = CpuSample.Take(silos);
        var (perSecond, failed) = await ClosedLoopAsync(put, duration);
        var cpu = CpuSample.Take(silos).Since(before, perSecond * duration.TotalSeconds);
        var (p50, p99) = await SequentialAsync(put, duration);
        Console.WriteLine($"{label}: {perSecond,7:N0} put tasks/s with {Producers} producers ({failed} not completed); sequential submit-and-wait p50 {p50:0.00} ms, p99 {p99:0.00} ms");
        Console.WriteLine($"    CPU per task: silos {cpu.SiloMs:0.00} ms, load generator {cpu.ClientMs:0.00} ms, the rest (PostgreSQL, kernel) {cpu.RestMs:0.00} ms; machine busy {cpu.BusyPercent:0} %");
    }

    private static async Task<(double PerSecond, long Failed)> ClosedLoopAsync(Func<int, string, long, Task<bool>> put, TimeSpan duration)
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

    private static async Task<(double P50, double P99)> SequentialAsync(Func<int, string, long, Task<bool>> put, TimeSpan duration)
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

    private static async Task<bool> PutOverHttpAsync(HttpClient client, string key, long value)
    {
        var body = "{\"topic\":\"document\",\"subtype\":\"put\",\"payload\":{\"key\":\"" + key + "\",\"value\":{\"n\":" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"note\":\"a small document\"}}}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/api/tasks?wait=10s", UriKind.Relative), content);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        var task = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.TaskView);
        return task?.Status == TaskStatus.Completed;
    }

    /// <summary>CPU time of the silo processes, of this process and of the whole machine (<c>/proc/stat</c>), to say where a task's cost goes.</summary>
    private sealed record CpuSample(TimeSpan Silos, TimeSpan Client, double MachineBusySeconds, double MachineTotalSeconds)
    {
        public static CpuSample Take(List<SiloUnderBench> silos)
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

    /// <summary>The built silo (<c>stackl-silo.dll</c>) as a child process in PostgreSQL cluster mode, killed when disposed.</summary>
    private sealed class SiloUnderBench : IDisposable
    {
        private readonly Process _process;

        private SiloUnderBench(Process process, Uri baseAddress)
        {
            _process = process;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public TimeSpan CpuTime
        {
            get
            {
                _process.Refresh();
                return _process.TotalProcessorTime;
            }
        }

        public static async Task<SiloUnderBench> StartAsync(string connectionString, string clusterId, string name)
        {
            var baseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in (string[])[SiloDll, "--urls", baseAddress.GetLeftPart(UriPartial.Authority), "--storage", "postgres", "--connection-string", connectionString, "--cluster-id", clusterId, "--silo-port", "0", "--gateway-port", "0", "--Stackl:Silo:SiloName", name, "--Logging:LogLevel:Default", "Warning"])
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var silo = new SiloUnderBench(process, baseAddress);
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.ValueAsync(
                $"silo {name} answers /health/ready",
                async () =>
                {
                    try
                    {
                        using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                        return response.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                ready => ready,
                TimeSpan.FromSeconds(90));
            return silo;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }

        private static string SiloDll
        {
            get
            {
                for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
                {
                    var dll = Path.Combine(folder.FullName, "src", "Stackl.Silo", "bin", "Release", "net10.0", "stackl-silo.dll");
                    if (File.Exists(dll))
                    {
                        return dll;
                    }
                }

                throw new InvalidOperationException("Build the silo first: dotnet build -c Release src/Stackl.Silo");
            }
        }
    }
}
