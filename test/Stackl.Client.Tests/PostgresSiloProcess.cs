namespace Stackl.Client.Tests;

/// <summary>
/// A built silo (<c>stackl-silo.dll</c>) as a child process of a PostgreSQL cluster, on free HTTP, silo and gateway ports, with a name
/// the cluster client's answers can be matched to. (The start logic follows <see cref="SiloProcess"/>'s.)
/// </summary>
internal sealed class PostgresSiloProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private PostgresSiloProcess(ChildProcess process, string name, Uri baseAddress)
    {
        _process = process;
        Name = name;
        BaseAddress = baseAddress;
    }

    /// <summary>Its silo name in the membership (<c>--Stackl:Silo:SiloName</c>).</summary>
    public string Name { get; }

    /// <summary>Its HTTP address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Its last output lines.</summary>
    public string Tail => _process.Tail;

    /// <summary>Starts a silo of the cluster <paramref name="clusterId"/> on the database and waits until <c>/health</c> answers 200.</summary>
    public static async Task<PostgresSiloProcess> StartAsync(string connectionString, string clusterId, string name)
    {
        // A free port can be taken between picking and binding it (tests run in parallel): start again on new ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(connectionString, clusterId, name);
            }
            catch (InvalidOperationException exception) when (attempt < 4 && exception.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<PostgresSiloProcess> StartOnceAsync(string connectionString, string clusterId, string name)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{Stackl.Testing.FreePort.Next()}/");
        var process = ChildProcess.Start(
            BuildOutput.SiloDll,
            Path.GetTempPath(),
            [
                "--urls", baseAddress.GetLeftPart(UriPartial.Authority), "--silo-port", "0", "--gateway-port", "0",
                "--storage", "postgres", "--connection-string", connectionString, "--cluster-id", clusterId, "--Stackl:Silo:SiloName", name,
            ]);
        var silo = new PostgresSiloProcess(process, name, baseAddress);
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
            await Stackl.Testing.Eventually.ValueAsync(
                $"silo {name} at {baseAddress} answers /health with 200 (its output so far: {process.Tail})",
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"silo {name} exited during start; its output:\n{process.Tail}");
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
        await _process.WaitForExitAsync(TimeSpan.FromSeconds(30), $"the killed silo {Name}");
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
