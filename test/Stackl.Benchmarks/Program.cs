using System.Globalization;
using Stackl.Benchmarks;
using Stackl.Runtime.Hosting;

// Usage: dotnet run -c Release --project test/Stackl.Benchmarks -- [runtime] [storage] [tasks] [--seconds N] (no suite named: all of them)
var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(5);
var suites = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !double.TryParse(a, CultureInfo.InvariantCulture, out _)).ToHashSet(StringComparer.OrdinalIgnoreCase);
bool Run(string suite) => suites.Count == 0 || suites.Contains(suite);
var duration = TimeSpan.FromSeconds(seconds);
Console.WriteLine($"Stackl benchmarks on {Environment.ProcessorCount} cores, {duration.TotalSeconds:0} s per figure, .NET {Environment.Version}");

if (Run("runtime"))
{
    await using var silo = await RuntimeBenchmarks.StartSiloAsync(s => s.UseInMemoryStorage());
    var calls = await RuntimeBenchmarks.CallThroughputAsync(silo.GrainFactory, 1000, 256, duration, grainToGrain: false);
    Console.WriteLine($"(a) grain calls/s, 1,000 grains, 256 outstanding, client->grain: {calls,12:N0}");
    var g2g = await RuntimeBenchmarks.CallThroughputAsync(silo.GrainFactory, 1000, 256, duration, grainToGrain: true);
    Console.WriteLine($"(a) grain calls/s, 1,000 grains, 256 outstanding, grain->grain: {g2g * 2,12:N0}  (each forward is 2 calls)");
    var handWritten = await RuntimeBenchmarks.CallThroughputAsync(new HandWrittenFactory(silo.Silo), 1000, 256, duration, grainToGrain: false);
    Console.WriteLine($"    same with a hand-written (generator-style) proxy instead of DispatchProxy: {handWritten,12:N0}");
    var yielding = await RuntimeBenchmarks.CallThroughputAsync(silo.GrainFactory, 1000, 256, duration, grainToGrain: false, yieldInGrain: true);
    Console.WriteLine($"(a) grain calls/s, 1,000 grains, 256 outstanding, grain method that yields: {yielding,12:N0}");
    var (p50, p99) = await RuntimeBenchmarks.SequentialLatencyAsync(silo.GrainFactory, 200_000);
    Console.WriteLine($"(b) sequential call latency: p50 {p50:0.00} us, p99 {p99:0.00} us");
}

if (Run("storage"))
{
    using var sqlite = new Stackl.Testing.Databases.SqliteDatabase();
    await using (var silo = await RuntimeBenchmarks.StartSiloAsync(s => Stackl.Storage.StorageSiloBuilderExtensions.UseSqliteStorage(s, o => o.DataSource = sqlite.Path)))
    {
        var writes = await RuntimeBenchmarks.StateWritesAsync(silo.GrainFactory, 64, duration);
        Console.WriteLine($"(c) durable state writes/s, 64 grains at once, SQLite (WAL, synchronous=FULL): {writes,10:N0}");
    }

    var connectionString = await Stackl.Testing.Databases.PostgresServer.Shared.CreateDatabaseAsync("bench");
    await using (var silo = await RuntimeBenchmarks.StartSiloAsync(s => Stackl.Storage.StorageSiloBuilderExtensions.UsePostgresStorage(s, o => o.ConnectionString = connectionString)))
    {
        var writes = await RuntimeBenchmarks.StateWritesAsync(silo.GrainFactory, 64, duration);
        Console.WriteLine($"(c) durable state writes/s, 64 grains at once, PostgreSQL (local, fsync on): {writes,10:N0}");
    }
}

if (Run("tasks"))
{
    Console.WriteLine($"tasks: document/* tasks through TaskService in process; each engine first warms up for {TaskBenchmarks.WarmUp(duration).TotalSeconds:0} s");
    using var sqlite = new Stackl.Testing.Databases.SqliteDatabase();
    await TaskBenchmarks.RunAsync("SQLite", s => Stackl.Storage.StorageSiloBuilderExtensions.UseSqliteStorage(s, o => o.DataSource = sqlite.Path), duration);

    var connectionString = await Stackl.Testing.Databases.PostgresServer.Shared.CreateDatabaseAsync("bench");
    await TaskBenchmarks.RunAsync("PostgreSQL", s => Stackl.Storage.StorageSiloBuilderExtensions.UsePostgresStorage(s, o => o.ConnectionString = connectionString), duration);
}
