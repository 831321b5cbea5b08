using System.Diagnostics;

namespace Stackl.Benchmarks;

/// <summary>
/// A long run through the HTTP API of one embedded SQLite silo process: <c>demo/echo</c> tasks (or durable <c>document/put</c>
/// tasks on distinct keys) submitted and waited for by 64 keep-alive clients, with the silo's memory, heap and activations
/// printed every slice, to show whether memory stays flat and throughput holds.
/// </summary>
public static class SoakBenchmarks
{
    private const int MaxSlice = 100_000;

    /// <summary>Runs <paramref name="total"/> tasks and prints one line per slice and a verdict.</summary>
    /// <param name="total">How many tasks to run.</param>
    /// <param name="put">Durable <c>document/put</c> tasks, each on its own key, instead of <c>demo/echo</c>.</param>
    /// <param name="siloArguments">Extra command-line arguments of the silo (e.g. <c>--Stackl:Silo:CollectionAge 00:01:00</c>).</param>
    public static async Task RunAsync(long total, bool put, IReadOnlyList<string> siloArguments)
    {
        var slice = Math.Max(1, Math.Min(MaxSlice, total / 10));
        var kind = put ? "durable document/put tasks, each on a distinct key" : "demo/echo tasks";
        Console.WriteLine($"soak: {total:N0} {kind} through HTTP POST /api/tasks?wait=10s, {ClusterBenchmarks.Producers} keep-alive clients, one embedded SQLite silo process{(siloArguments.Count > 0 ? " (" + string.Join(' ', siloArguments) + ")" : "")}; a line every {slice:N0} tasks");
        using var silo = await SiloProcess.StartSqliteAsync("bench-soak", siloArguments);
        using var client = silo.CreateClient();
        using var metricsClient = silo.CreateClient();
        var run = Guid.NewGuid().ToString("N")[..8];

        long issued = 0;
        long done = 0;
        long failed = 0;
        using var sliceEnded = new SemaphoreSlim(0);
        var producers = Task.WhenAll(Enumerable.Range(0, ClusterBenchmarks.Producers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref issued); i <= total; i = Interlocked.Increment(ref issued))
            {
                bool completed;
                try
                {
                    completed = put ? await SiloProcess.PutAsync(client, $"soak/{run}/{i}", i, "10s") : await SiloProcess.EchoAsync(client, i, "10s");
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    completed = false;
                }

                if (!completed)
                {
                    Interlocked.Increment(ref failed);
                }

                var finished = Interlocked.Increment(ref done);
                if (finished % slice == 0 || finished == total)
                {
                    sliceEnded.Release();
                }
            }
        })));

        var samples = new List<(long Done, double PerSecond, long Rss)>();
        var started = Stopwatch.GetTimestamp();
        var sliceStarted = started;
        long reported = 0;
        while (reported < total)
        {
            await sliceEnded.WaitAsync();
            var now = Stopwatch.GetTimestamp();
            var finished = Math.Min(Interlocked.Read(ref done), total);
            var perSecond = (finished - reported) / Stopwatch.GetElapsedTime(sliceStarted, now).TotalSeconds;
            reported = finished;
            sliceStarted = now;
            var rss = silo.ResidentBytes;
            var heap = await silo.ReadMetricAsync(metricsClient, "stackl_gc_heap_bytes");
            var activations = await silo.ReadMetricAsync(metricsClient, "stackl_activations");
            samples.Add((finished, perSecond, rss));
            Console.WriteLine($"    {finished,10:N0} tasks  {perSecond,7:N0} tasks/s  RSS {Mb(rss),6:N0} MB  GC heap {(heap is { } h ? $"{Mb((long)h),6:N0} MB" : "     ?")}  activations {(activations is { } a ? a.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "?"),9}  ({Interlocked.Read(ref failed)} not completed)");
        }

        await producers;
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var first = samples[0];
        var maxRss = samples.Max(s => s.Rss);
        var rssGrowth = (double)maxRss / first.Rss - 1;
        var tail = samples.Count > 1 ? samples[^1] : first;
        var decay = tail.PerSecond / first.PerSecond - 1;
        Console.WriteLine($"soak: {total:N0} tasks in {elapsed:N0} s ({total / elapsed:N0} tasks/s), {failed} not completed");
        Console.WriteLine($"    RSS after the first slice {Mb(first.Rss):N0} MB, highest {Mb(maxRss):N0} MB ({rssGrowth:+0%;-0%}): {(rssGrowth <= 0.2 ? "stayed within 20 %" : "grew more than 20 %")}");
        Console.WriteLine($"    throughput first slice {first.PerSecond:N0}/s, last {tail.PerSecond:N0}/s ({decay:+0%;-0%}): {(decay >= -0.2 ? "no decay beyond 20 %" : "decayed more than 20 %")}");
    }

    private static double Mb(long bytes) => bytes / (1024.0 * 1024.0);
}
