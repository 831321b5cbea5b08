namespace Stackl.Client.Tests;

/// <summary>The built silo (<c>stackl-silo.dll</c>) running as a child process on a free port and a given SQLite file.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private SiloProcess(ChildProcess process, Uri baseAddress, string? name)
    {
        _process = process;
        BaseAddress = baseAddress;
        Name = name;
    }

    /// <summary>Its silo name in the membership, when started with one (<c>--Stackl:Silo:SiloName</c>).</summary>
    public string? Name { get; }

    /// <summary>Its address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Its last output lines.</summary>
    public string Tail => _process.Tail;

    /// <summary>Starts a silo on <paramref name="sqlitePath"/> and waits until <c>/health</c> answers 200.</summary>
    public static Task<SiloProcess> StartAsync(string sqlitePath, string phase) =>
        StartAsync(Path.GetDirectoryName(sqlitePath)!, phase, null, "--sqlite-path", sqlitePath);

    /// <summary>Starts a silo of a PostgreSQL cluster and waits until <c>/health</c> answers 200.</summary>
    /// <remarks>Cluster mode requires credentials: the silo starts with <see cref="Stackl.Testing.TestKeys.Admin"/> as its first key; <see cref="Client"/> sends it.</remarks>
    public static Task<SiloProcess> StartPostgresAsync(string connectionString, string clusterId, string name, string phase, params string[] settings) =>
        StartAsync(Path.GetTempPath(), phase, name, ["--storage", "postgres", "--connection-string", connectionString, "--cluster-id", clusterId, "--Stackl:Silo:SiloName", name, "--" + Stackl.Testing.TestKeys.BootstrapSetting.Key, Stackl.Testing.TestKeys.Admin, .. settings]);

    /// <summary>A client of this silo's HTTP API, with the test run's admin key.</summary>
    public StacklClient Client() => new(new StacklClientOptions { BaseAddress = BaseAddress, ApiKey = Stackl.Testing.TestKeys.Admin });

    private static async Task<SiloProcess> StartAsync(string workingDirectory, string phase, string? name, params string[] storage)
    {
        // A free port can be taken between picking and binding it (tests run in parallel): start again on new ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(workingDirectory, phase, name, storage);
            }
            catch (InvalidOperationException exception) when (attempt < 4 && exception.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<SiloProcess> StartOnceAsync(string workingDirectory, string phase, string? name, string[] storage)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{Stackl.Testing.FreePort.Next()}/");
        var process = ChildProcess.Start(
            BuildOutput.SiloDll,
            workingDirectory,
            ["--urls", baseAddress.GetLeftPart(UriPartial.Authority), "--silo-port", "0", "--gateway-port", "0", .. storage]);
        var silo = new SiloProcess(process, baseAddress, name);
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
            await Stackl.Testing.Eventually.ValueAsync(
                $"{phase}: the silo at {baseAddress} answers /health with 200 (its output so far: {process.Tail})",
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"{phase}: the silo exited during start; its output:\n{process.Tail}");
                    }

                    try
                    {
                        using var response = await http.GetAsync(new Uri("health", UriKind.Relative));
                        return response.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                healthy => healthy,
                TimeSpan.FromSeconds(90));
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL, and waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(30), "the killed silo");
    }

    /// <summary>SIGTERM: a graceful stop, as Kubernetes or systemd ask for one.</summary>
    public void Terminate() => _process.Terminate();

    /// <summary>Waits until the process exits and returns its exit code.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync(timeout, "the stopping silo");

    /// <summary>SIGSTOP: frozen with its sockets open.</summary>
    public void Freeze() => _process.Freeze();

    /// <summary>SIGCONT.</summary>
    public void Resume() => _process.Resume();

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
