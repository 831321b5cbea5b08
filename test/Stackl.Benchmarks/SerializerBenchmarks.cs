using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;
using Stackl.Tasks;
using Stackl.Tasks.Execution;

namespace Stackl.Benchmarks;

/// <summary>What a grain message costs on the wire: Stackl's records through Orleans' System.Text.Json codec, next to a generated-serializer record of the same shape.</summary>
public static class SerializerBenchmarks
{
    /// <summary>Round trips (serialize and deserialize) of a task submission per second, and the cost of an in-silo copy.</summary>
    /// <param name="services">A silo's services (its serializer and copier, configured by AddStackl).</param>
    /// <param name="duration">How long each figure is measured.</param>
    public static void Run(IServiceProvider services, TimeSpan duration)
    {
        var serializer = services.GetRequiredService<Serializer>();
        var copier = services.GetRequiredService<DeepCopier>();
        var payloadJson = """{"key":"account/alice","value":{"balance":100,"owner":"Alice","tags":["a","b"]}}""";
        var submission = new TaskSubmission("document", "put", "bench", JsonDocument.Parse(payloadJson).RootElement.Clone(), ["account/alice"], TimeSpan.FromSeconds(30));
        var generated = new GeneratedSubmission("document", "put", "bench", payloadJson, ["account/alice"], TimeSpan.FromSeconds(30));

        var json = Measure(duration, () => serializer.Deserialize<TaskSubmission>(serializer.SerializeToArray(submission)));
        var jsonBytes = serializer.SerializeToArray(submission).Length;
        Console.WriteLine($"(h) TaskSubmission round trips/s through Orleans' JSON codec: {json,12:N0}  ({1e6 / json:0.00} us, {jsonBytes} bytes)");
        var codegen = Measure(duration, () => serializer.Deserialize<GeneratedSubmission>(serializer.SerializeToArray(generated)));
        var codegenBytes = serializer.SerializeToArray(generated).Length;
        Console.WriteLine($"(h) same shape as a [GenerateSerializer] record (payload as a string): {codegen,12:N0}  ({1e6 / codegen:0.00} us, {codegenBytes} bytes)");
        var copies = Measure(duration, () => copier.Copy(submission));
        Console.WriteLine($"(h) in-silo copies/s of a TaskSubmission (immutable: passed by reference): {copies,12:N0}");
    }

    private static double Measure(TimeSpan duration, Func<object?> operation)
    {
        for (var i = 0; i < 10_000; i++)
        {
            operation();
        }

        var count = 0L;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 1_000; i++)
            {
                operation();
            }

            count += 1_000;
        }

        return count / watch.Elapsed.TotalSeconds;
    }
}

/// <summary>A task submission's shape with Orleans' generated serializer, for comparison.</summary>
[GenerateSerializer]
[Immutable]
public sealed record GeneratedSubmission(
    [property: Id(0)] string Topic,
    [property: Id(1)] string Subtype,
    [property: Id(2)] string? Source,
    [property: Id(3)] string Payload,
    [property: Id(4)] string[] Documents,
    [property: Id(5)] TimeSpan Timeout);
