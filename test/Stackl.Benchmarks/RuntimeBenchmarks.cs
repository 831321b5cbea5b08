using System.Diagnostics;
using Stackl.Testing;

namespace Stackl.Benchmarks;

/// <summary>Grain-call throughput, sequential latency and durable state writes.</summary>
public static class RuntimeBenchmarks
{
    /// <summary>Starts an in-process Orleans silo (localhost clustering) whose default grain storage <paramref name="storage"/> picks.</summary>
    /// <param name="storage">Picks the default grain storage, e.g. <c>AddMemoryGrainStorageAsDefault</c> or <c>UseStacklSqlite</c>.</param>
    public static Task<TestSilo> StartSiloAsync(Action<ISiloBuilder> storage) => TestSilo.StartAsync(storage);

    /// <summary>(a) calls/s with <paramref name="grainCount"/> grains and <paramref name="outstanding"/> calls in flight.</summary>
    public static async Task<double> CallThroughputAsync(IGrainFactory factory, int grainCount, int outstanding, TimeSpan duration, bool grainToGrain, bool yieldInGrain = false)
    {
        var grains = Enumerable.Range(0, grainCount).Select(i => factory.GetGrain<IBenchGrain>($"b{i}")).ToArray();
        await Task.WhenAll(grains.Select(g => g.AddAsync(0)));
        long total = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, outstanding).Select(w => Task.Run(async () =>
        {
            long count = 0;
            var index = w * 7919 % grainCount;
            while (true)
            {
                for (var i = 0; i < 256; i++)
                {
                    index = (index + 1) % grainCount;
                    if (yieldInGrain)
                    {
                        await grains[index].YieldAsync(1);
                    }
                    else if (grainToGrain)
                    {
                        await grains[index].ForwardAsync($"b{(index + 1) % grainCount}", 1);
                    }
                    else
                    {
                        await grains[index].AddAsync(1);
                    }

                    count++;
                }

                if (Stopwatch.GetTimestamp() > stopAt)
                {
                    break;
                }

                // Give the other callers a turn on the two cores, so all of them are really in flight.
                await Task.Yield();
            }

            Interlocked.Add(ref total, count);
        })).ToArray();
        await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return total / seconds;
    }

    /// <summary>(b) p50 and p99 of sequential calls from one caller, in microseconds.</summary>
    public static async Task<(double P50, double P99)> SequentialLatencyAsync(IGrainFactory factory, int calls)
    {
        var grain = factory.GetGrain<IBenchGrain>("latency");
        for (var i = 0; i < 20_000; i++)
        {
            await grain.AddAsync(1);
        }

        var samples = new long[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await grain.AddAsync(1);
            samples[i] = Stopwatch.GetTimestamp() - start;
        }

        Array.Sort(samples);
        double Micro(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        return (Micro(samples[calls / 2]), Micro(samples[(int)(calls * 0.99)]));
    }

    /// <summary>(c) durable state writes/s with <paramref name="writers"/> grains writing at once.</summary>
    public static async Task<double> StateWritesAsync(IGrainFactory factory, int writers, TimeSpan duration)
    {
        var grains = Enumerable.Range(0, writers).Select(i => factory.GetGrain<IBenchGrain>($"w{i}")).ToArray();
        await Task.WhenAll(grains.Select(g => g.WriteAsync(0)));
        long total = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(grains.Select(async g =>
        {
            var value = 0;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                await g.WriteAsync(++value);
            }

            Interlocked.Add(ref total, value);
        }));
        return total / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
