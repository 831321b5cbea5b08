using System.Diagnostics;
using System.Globalization;
using System.Text;
using Stackl.Contracts;
using Stackl.Testing;
using Stackl.Testing.Databases;

namespace Stackl.Benchmarks;

/// <summary>The built silo (<c>stackl-silo.dll</c>, Release) as a child process on 127.0.0.1, killed by its id when disposed.</summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly string? _dataFolder;
    private readonly bool _owned;

    private SiloProcess(Process process, Uri baseAddress, string? dataFolder, bool owned = true)
    {
        _process = process;
        BaseAddress = baseAddress;
        _dataFolder = dataFolder;
        _owned = owned;
    }

    /// <summary>The silo's HTTP address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The silo's process id.</summary>
    public int Id => _process.Id;

    /// <summary>The CPU time the silo process used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The silo process's resident set (<c>VmRSS</c> of <c>/proc/&lt;pid&gt;/status</c>) in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return kilobytes * 1024;
        }
    }

    /// <summary>An embedded silo working in a fresh temporary folder (deleted when disposed), its SQLite file at the default <c>data/stackl.db</c> there.</summary>
    public static Task<SiloProcess> StartSqliteAsync(string name, IReadOnlyList<string>? arguments = null)
    {
        // As deployed (and in the Dockerfile): the working directory holds the database at the default data/stackl.db.
        var folder = Directory.CreateTempSubdirectory("stackl-bench-").FullName;
        return StartAsync(name, ["--storage", "sqlite", .. arguments ?? []], folder);
    }

    /// <summary>A silo in PostgreSQL cluster mode: silos started with one database and cluster id form one cluster.</summary>
    /// <remarks>
    /// Cluster mode requires credentials: the silos start with <see cref="TestKeys.Admin"/> as their first key, which
    /// <see cref="CreateClient"/> sends; the per-principal limits are off, so one principal can drive the engine at full speed.
    /// </remarks>
    public static Task<SiloProcess> StartPostgresAsync(string connectionString, string clusterId, string name) =>
        StartAsync(
            name,
            ["--storage", "postgres", "--connection-string", connectionString, "--cluster-id", clusterId, "--" + TestKeys.BootstrapSetting.Key, TestKeys.Admin,
                "--Stackl:Limits:RequestsPerSecond", "0", "--Stackl:Limits:MaxOpenWaits", "0", "--Stackl:Limits:MaxTasksInFlight", "0"],
            dataFolder: null);

    /// <summary>A silo process someone else started (to profile it while a suite drives it); disposing leaves it running.</summary>
    public static SiloProcess Attach(Uri baseAddress, int processId) => new(Process.GetProcessById(processId), baseAddress, dataFolder: null, owned: false);

    /// <summary>A keep-alive client of this silo, with the benchmark's admin key (ignored by an open embedded silo).</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestKeys.Admin);
        return client;
    }

    /// <summary>Reads the first series of one metric from <c>/metrics</c>, or null when the silo does not export it.</summary>
    public async Task<double?> ReadMetricAsync(HttpClient client, string name)
    {
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Submits a durable <c>document/put</c> of <paramref name="key"/> and waits up to <paramref name="wait"/> for it; true when it completed.</summary>
    public static async Task<bool> PutAsync(HttpClient client, string key, long value, string wait)
    {
        var body = "{\"topic\":\"document\",\"subtype\":\"put\",\"payload\":{\"key\":\"" + key + "\",\"value\":{\"n\":" + value.ToString(CultureInfo.InvariantCulture) + ",\"note\":\"a small document\"}}}";
        return await SubmitAsync(client, body, wait);
    }

    /// <summary>Submits a <c>demo/echo</c> task and waits up to <paramref name="wait"/> for it; true when it completed.</summary>
    public static async Task<bool> EchoAsync(HttpClient client, long value, string wait)
    {
        var body = "{\"topic\":\"demo\",\"subtype\":\"echo\",\"payload\":{\"n\":" + value.ToString(CultureInfo.InvariantCulture) + ",\"note\":\"a small payload\"}}";
        return await SubmitAsync(client, body, wait);
    }

    private static async Task<bool> SubmitAsync(HttpClient client, string body, string wait)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/api/tasks?wait=" + wait, UriKind.Relative), content);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        var task = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync(response.Content, ContractsJsonContext.Default.TaskView);
        return task?.Status == TaskStatus.Completed;
    }

    public void Dispose()
    {
        if (_owned && !_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        if (_dataFolder is not null)
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
    }

    private static async Task<SiloProcess> StartAsync(string name, string[] storage, string? dataFolder)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dataFolder ?? "" };
        foreach (var argument in (string[])[SiloDll, "--urls", baseAddress.GetLeftPart(UriPartial.Authority), .. storage, "--silo-port", "0", "--gateway-port", "0", "--Stackl:Silo:SiloName", name, "--Logging:LogLevel:Default", "Warning"])
        {
            start.ArgumentList.Add(argument);
        }

        // STACKL_BENCH_SILO_ENV_<NAME>=<value> sets <NAME> for the silo alone (e.g. a runtime knob such as DOTNET_gcServer).
        foreach (var (key, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => ((string)e.Key, (string?)e.Value)))
        {
            if (key.StartsWith("STACKL_BENCH_SILO_ENV_", StringComparison.Ordinal))
            {
                start.Environment[key["STACKL_BENCH_SILO_ENV_".Length..]] = value;
            }
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(process, baseAddress, dataFolder);
        try
        {
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
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                    {
                        return false;
                    }
                },
                ready => ready,
                TimeSpan.FromSeconds(90));
            return silo;
        }
        catch
        {
            silo.Dispose();
            throw;
        }
    }

    // STACKL_BENCH_SILO_DLL runs another build of the silo (a copy of an earlier bin folder) to compare two versions.
    private static string SiloDll
    {
        get
        {
            if (Environment.GetEnvironmentVariable("STACKL_BENCH_SILO_DLL") is { Length: > 0 } other)
            {
                return other;
            }

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
