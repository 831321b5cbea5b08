using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Stackl.Testing;

namespace Stackl.Silo.Tests;

/// <summary><c>scripts/cluster.sh</c> as a person runs it: start a PostgreSQL and three silos, use them as one cluster, stop everything.</summary>
public sealed class ClusterScriptTests : IAsyncLifetime
{
    private const int Silos = 3;

    private readonly string _folder = Directory.CreateTempSubdirectory("stackl-cluster-").FullName;
    private readonly Dictionary<string, string> _environment;
    private int _httpBase;
    private bool _stopped;

    public ClusterScriptTests()
    {
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["STACKL_CLUSTER_DIR"] = _folder,
            ["STACKL_CLUSTER_SILO_DLL"] = Repository.SiloDll,
            ["DOTNET_HOST_PATH"] = Repository.DotnetHost,
        };
        ChoosePorts();
    }

    [Fact]
    public async Task StartUseStop_ThreeSilosFormOneCluster_AndNothingIsLeftRunning()
    {
        var start = await StartAsync();
        Assert.True(start.ExitCode == 0, $"scripts/cluster.sh start failed:\n{start.Output}\n{Logs()}");
        var silos = Enumerable.Range(1, Silos).Select(i => ReadPid($"silo-{i}.pid")).ToList();
        var postgres = ReadPostmasterPid();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // Cluster mode requires credentials: the script made the first admin key and says where it is.
        var keyFile = Path.Combine(_folder, "admin.key");
        Assert.Contains(keyFile, start.Output, StringComparison.Ordinal);
        using (var anonymous = await http.GetAsync(Url(1, "/api/cluster")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(keyFile)).Trim());

        var active = await Eventually.ValueAsync(
            "silo 1's /api/cluster lists 3 Active silos",
            async () =>
            {
                using var cluster = JsonDocument.Parse(await http.GetStringAsync(Url(1, "/api/cluster")));
                return cluster.RootElement.GetProperty("silos").EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active");
            },
            count => count == Silos,
            TimeSpan.FromSeconds(30));
        Assert.Equal(Silos, active);

        using var body = new StringContent("""{"topic":"document","subtype":"put","payload":{"key":"try/one","value":{"n":1}}}""", Encoding.UTF8, "application/json");
        using var submitted = await http.PostAsync(Url(2, "/api/tasks?wait=5s"), body);
        var task = await submitted.Content.ReadAsStringAsync();
        Assert.True(submitted.StatusCode == HttpStatusCode.OK, $"the put submitted on silo 2 answered {(int)submitted.StatusCode}: {task}");
        Assert.Equal("Completed", JsonDocument.Parse(task).RootElement.GetProperty("status").GetString());

        using var document = JsonDocument.Parse(await http.GetStringAsync(Url(3, "/api/documents/try/one")));
        Assert.Equal(1, document.RootElement.GetProperty("value").GetProperty("n").GetInt32());

        var stop = await ScriptAsync("stop");
        _stopped = true;
        Assert.True(stop.ExitCode == 0, $"scripts/cluster.sh stop failed:\n{stop.Output}");
        foreach (var pid in silos.Append(postgres))
        {
            await Eventually.TrueAsync($"process {pid} has ended after scripts/cluster.sh stop:\n{stop.Output}", () => !IsAlive(pid), TimeSpan.FromSeconds(5));
        }

        var status = await ScriptAsync("status");
        Assert.Contains("PostgreSQL  stopped", status.Output, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (!_stopped)
        {
            await ScriptAsync("stop");
        }

        Directory.Delete(_folder, recursive: true);
    }

    // Silos start one after another, seconds apart: a port checked free by the script can be taken by another test's
    // server before its silo binds it. That is the test machine's race, not the script's: start again on other ports.
    private async Task<(int ExitCode, string Output)> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var start = await ScriptAsync("start");
            if (start.ExitCode == 0 || attempt == 3 || !(start.Output + Logs()).Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                return start;
            }

            await ScriptAsync("stop");
            if (Directory.Exists(Path.Combine(_folder, "logs")))
            {
                Directory.Delete(Path.Combine(_folder, "logs"), recursive: true);
            }

            ChoosePorts();
        }
    }

    private void ChoosePorts()
    {
        var used = new HashSet<int>();
        _httpBase = FreeRange(Silos, used);
        _environment["STACKL_CLUSTER_HTTP_BASE"] = _httpBase.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["STACKL_CLUSTER_SILO_BASE"] = FreeRange(Silos, used).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["STACKL_CLUSTER_GATEWAY_BASE"] = FreeRange(Silos, used).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["STACKL_CLUSTER_PG_PORT"] = FreeRange(1, used).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task<(int ExitCode, string Output)> ScriptAsync(string command) =>
        ExternalCommand.RunAsync("bash", [Path.Combine(Repository.Root, "scripts", "cluster.sh"), command], Repository.Root, TimeSpan.FromMinutes(2), _environment);

    private string Url(int silo, string path) => $"http://127.0.0.1:{_httpBase + silo - 1}{path}";

    private int ReadPid(string file) => int.Parse(File.ReadAllText(Path.Combine(_folder, "run", file)).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private int ReadPostmasterPid() => int.Parse(File.ReadLines(Path.Combine(_folder, "pg", "data", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    private string Logs()
    {
        var logs = Path.Combine(_folder, "logs");
        return Directory.Exists(logs)
            ? string.Join('\n', Directory.GetFiles(logs).Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(30))}"))
            : "(no logs)";
    }

    // A zombie (ended, not yet reaped by whoever adopted it) counts as ended.
    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    // The script gives silo N the port base + N - 1: find a base whose next ports are free too. The ports are below the
    // kernel's ephemeral range, where outgoing connections and other tests' port-0 listeners never land.
    private static int FreeRange(int count, HashSet<int> used)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(20_000, EphemeralLow() - count);
            var range = Enumerable.Range(first, count).ToList();
            if (!range.Any(used.Contains) && range.All(IsFree))
            {
                used.UnionWith(range);
                return first;
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free ports found on 127.0.0.1.");
    }

    private static int EphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range)
            ? int.Parse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture)
            : 32_768;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
