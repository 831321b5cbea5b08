using System.Globalization;
using System.Reflection;
using Orleans.Hosting;
using Stackl.Benchmarks;
using Stackl.Storage;
using Stackl.Tasks;
using Stackl.Testing.Databases;

// Usage: dotnet run -c Release --project test/Stackl.Benchmarks -- [runtime] [serializer] [storage] [tasks] [flows] [cluster] [pointer] [http] [soak] [--seconds N]
//   (no suite named: all of them but soak); http: [--postgres] also measures a PostgreSQL silo, [--attach URL --attach-pid PID] measures a running one;
//   flows: [--flows N] flows in flight (default 128)
//   soak: [--tasks N] (default 1,000,000) [--put] (document/put on distinct keys instead of demo/echo) [--silo-arg X]... (passed to the silo)
var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(a => double.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(5);
var taskCount = args.SkipWhile(a => a != "--tasks").Skip(1).Select(a => long.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(1_000_000);
var flowsInFlight = args.SkipWhile(a => a != "--flows").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(FlowBenchmarks.DefaultInFlight);
var siloArguments = args.Select((a, i) => (a, i)).Where(p => p.i > 0 && args[p.i - 1] == "--silo-arg").Select(p => p.a).ToList();
var suites = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || args[i - 1] is not ("--seconds" or "--tasks" or "--flows" or "--silo-arg" or "--attach" or "--attach-pid"))).ToHashSet(StringComparer.OrdinalIgnoreCase);
bool Run(string suite) => suites.Count == 0 ? suite != "soak" : suites.Contains(suite);
var duration = TimeSpan.FromSeconds(seconds);
var orleans = typeof(Grain).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split(' ', '+')[0].TrimEnd('.');
Console.WriteLine($"Stackl benchmarks on Orleans {orleans}, {Environment.ProcessorCount} cores, {duration.TotalSeconds:0} s per figure, .NET {Environment.Version}");

if (Run("runtime"))
{
    Console.WriteLine("runtime: one in-process silo (localhost clustering), Orleans' in-memory grain storage; callers use the silo's IGrainFactory");
    await using var silo = await RuntimeBenchmarks.StartSiloAsync(s => s.AddMemoryGrainStorageAsDefault());
    var calls = await RuntimeBenchmarks.CallThroughputAsync(silo.GrainFactory, 1000, 256, duration, grainToGrain: false);
    Console.WriteLine($"(a) grain calls/s, 1,000 grains, 256 outstanding, client->grain: {calls,12:N0}");
    var g2g = await RuntimeBenchmarks.CallThroughputAsync(silo.GrainFactory, 1000, 256, duration, grainToGrain: true);
    Console.WriteLine($"(a) grain calls/s, 1,000 grains, 256 outstanding, grain->grain: {g2g * 2,12:N0}  (each forward is 2 calls)");
    var yielding = await RuntimeBenchmarks.CallThroughputAsync(silo.GrainFactory, 1000, 256, duration, grainToGrain: false, yieldInGrain: true);
    Console.WriteLine($"(a) grain calls/s, 1,000 grains, 256 outstanding, grain method that yields: {yielding,12:N0}");
    var (p50, p99) = await RuntimeBenchmarks.SequentialLatencyAsync(silo.GrainFactory, 200_000);
    Console.WriteLine($"(b) sequential call latency: p50 {p50:0.00} us, p99 {p99:0.00} us");
}

if (Run("serializer"))
{
    using var sqlite = new SqliteDatabase();
    await using var silo = await RuntimeBenchmarks.StartSiloAsync(s => s.UseStacklSqlite(o => o.DataSource = sqlite.Path).AddStackl());
    SerializerBenchmarks.Run(silo.Services, duration);
}

if (Run("storage"))
{
    using var sqlite = new SqliteDatabase();
    await using (var silo = await RuntimeBenchmarks.StartSiloAsync(s => s.UseStacklSqlite(o => o.DataSource = sqlite.Path)))
    {
        var writes = await RuntimeBenchmarks.StateWritesAsync(silo.GrainFactory, 64, duration);
        Console.WriteLine($"(c) durable state writes/s, 64 grains at once, SQLite (WAL, synchronous=FULL): {writes,10:N0}");
    }

    var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("bench");
    await using (var silo = await RuntimeBenchmarks.StartSiloAsync(s => s.UseStacklPostgres(o => o.ConnectionString = connectionString)))
    {
        var writes = await RuntimeBenchmarks.StateWritesAsync(silo.GrainFactory, 64, duration);
        Console.WriteLine($"(c) durable state writes/s, 64 grains at once, PostgreSQL (local, fsync on): {writes,10:N0}");
    }

    var adoNetConnectionString = await PostgresServer.Shared.CreateDatabaseAsync("bench_adonet");
    await AdoNetBenchStorage.CreateSchemaAsync(adoNetConnectionString);
    await using (var silo = await RuntimeBenchmarks.StartSiloAsync(s => AdoNetBenchStorage.Use(s, adoNetConnectionString)))
    {
        var writes = await RuntimeBenchmarks.StateWritesAsync(silo.GrainFactory, 64, duration);
        Console.WriteLine($"(c') same on the same PostgreSQL through Orleans' ADO.NET grain storage (the benchmark's own table and statements): {writes,10:N0}");
    }
}

if (Run("tasks"))
{
    Console.WriteLine($"tasks: document/* tasks through TaskService in process; each engine first warms up for {TaskBenchmarks.WarmUp(duration).TotalSeconds:0} s");
    using var sqlite = new SqliteDatabase();
    await TaskBenchmarks.RunAsync("SQLite", s => s.UseStacklSqlite(o => o.DataSource = sqlite.Path), duration);

    var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("bench");
    await TaskBenchmarks.RunAsync("PostgreSQL", s => s.UseStacklPostgres(o => o.ConnectionString = connectionString), duration);
}

if (Run("flows"))
{
    Console.WriteLine($"flows: 3-step linear flow/run tasks (demo/provision, reverted by demo/deprovision) through TaskService in process; each engine first warms up for {TaskBenchmarks.WarmUp(duration).TotalSeconds:0} s");
    using var sqlite = new SqliteDatabase();
    await FlowBenchmarks.RunAsync("SQLite", s => s.UseStacklSqlite(o => o.DataSource = sqlite.Path), duration, flowsInFlight);

    var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("bench_flows");
    await FlowBenchmarks.RunAsync("PostgreSQL", s => s.UseStacklPostgres(o => o.ConnectionString = connectionString), duration, flowsInFlight);
}

if (Run("cluster"))
{
    Console.WriteLine("cluster: built silo processes (dotnet build -c Release first) on one local PostgreSQL, producers over HTTP spread across the silos");
    await ClusterBenchmarks.RunAsync(duration);
}

if (Run("pointer"))
{
    Console.WriteLine("pointer: the transaction handler's JSON pointer work, its old hand-written code against JsonPointer.Net, one thread");
    PointerBenchmarks.Run(duration);
}

if (Run("http"))
{
    Console.WriteLine($"http: one built silo process (dotnet build -c Release first), document/put over HTTP POST /api/tasks?wait=5s; after a {HttpBenchmarks.WarmUp.TotalSeconds:0} s warm-up (the in-process figures are the tasks suite's)");
    var attach = args.SkipWhile(a => a != "--attach").Skip(1).FirstOrDefault() is { } url
        ? (new Uri(url), int.Parse(args.SkipWhile(a => a != "--attach-pid").Skip(1).First(), CultureInfo.InvariantCulture))
        : ((Uri, int)?)null;
    await HttpBenchmarks.RunAsync(duration, postgres: args.Contains("--postgres"), attach);
}

if (Run("soak"))
{
    await SoakBenchmarks.RunAsync(taskCount, put: args.Contains("--put"), siloArguments);
}
