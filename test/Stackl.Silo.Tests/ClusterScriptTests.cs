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
    private readonly int _httpBase;
    private bool _stopped;

    public ClusterScriptTests()
    {
        _httpBase = FreeRange(Silos);
        _environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["STACKL_CLUSTER_DIR"] = _folder,
            ["STACKL_CLUSTER_SILO_DLL"] = Repository.SiloDll,
            ["DOTNET_HOST_PATH"] = Repository.DotnetHost,
            ["STACKL_CLUSTER_HTTP_BASE"] = _httpBase.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["STACKL_CLUSTER_SILO_BASE"] = FreeRange(Silos).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["STACKL_CLUSTER_GATEWAY_BASE"] = FreeRange(Silos).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["STACKL_CLUSTER_PG_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    [Fact]
    public async Task StartUseStop_ThreeSilosFormOneCluster_AndNothingIsLeftRunning()
    {
        var start = await ScriptAsync("start");
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

    // The script gives silo N the port base + N - 1: find a base whose next ports are free too.
    private static int FreeRange(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = FreePort.Next();
            if (first + count <= 65535 && Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free ports found on 127.0.0.1.");
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
