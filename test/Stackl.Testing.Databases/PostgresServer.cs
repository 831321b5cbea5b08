using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Stackl.Testing.Databases;

/// <summary>
/// The PostgreSQL server the tests use: <c>STACKL_TEST_POSTGRES</c> when set, else a server started from the installed
/// binaries in a temp folder on a free 127.0.0.1 port (stopped when the test process exits), else a failure that says what to install.
/// </summary>
public sealed class PostgresServer
{
    /// <summary>The environment variable holding a connection string to an existing server.</summary>
    public const string EnvironmentVariable = "STACKL_TEST_POSTGRES";

    private static readonly Lazy<PostgresServer> s_shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int s_databaseCounter;

    private readonly string _adminConnectionString;

    private PostgresServer(string adminConnectionString)
    {
        _adminConnectionString = adminConnectionString;
    }

    /// <summary>The one server of this test process.</summary>
    public static PostgresServer Shared => s_shared.Value;

    /// <summary>Creates a fresh, empty database and returns its connection string.</summary>
    /// <param name="prefix">A readable part of the database name.</param>
    public async Task<string> CreateDatabaseAsync(string prefix = "stackl")
    {
        var name = $"{prefix.ToLowerInvariant()}_{Environment.ProcessId}_{Interlocked.Increment(ref s_databaseCounter)}";
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        // Every test has its own database, so every test leaves its own idle pools behind (Orleans' ADO.NET providers and
        // the event relay keep process-wide pools per connection string): close idle connections within seconds, not minutes.
        return new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 50, ConnectionIdleLifetime = 5, ConnectionPruningInterval = 1 }.ToString();
    }

    private static PostgresServer Start()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new PostgresServer(fromEnvironment);
        }

        var binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (binaries is null)
        {
            throw new InvalidOperationException(
                $"No PostgreSQL server for the tests: install one (apt-get install postgresql, as ./scripts/test.sh does when run as root) or set {EnvironmentVariable} to a connection string of a server the tests may create databases on.");
        }

        RemoveAbandonedServers();
        var folder = Directory.CreateTempSubdirectory("stackl-pg-").FullName;
        var data = Path.Combine(folder, "data");
        var port = Stackl.Testing.FreePort.Next();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            Run("chown", ["-R", "postgres:postgres", folder]);
        }

        RunAsPostgres(asRoot, Path.Combine(binaries, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
        RunAsPostgres(asRoot, Path.Combine(binaries, "pg_ctl"), [
            "-D", data, "-w", "-t", "60", "-l", Path.Combine(folder, "server.log"),
            "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=500 -c shared_buffers=128MB",
            "start",
        ]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                RunAsPostgres(asRoot, Path.Combine(binaries, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
                Directory.Delete(folder, recursive: true);
            }
#pragma warning disable CA1031 // The process is exiting: a folder left behind in /tmp is harmless, a throw here is not.
            catch (Exception)
            {
            }
#pragma warning restore CA1031
        };
        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false");
    }

    // A test process that is killed (not exited) never runs its ProcessExit cleanup: its server's folder (about 1 GB with its WAL)
    // stays in /tmp. Folders whose server is not running and that are older than any start are removed by the next run.
    private static void RemoveAbandonedServers()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), "stackl-pg-*"))
        {
            try
            {
                var pidFile = Path.Combine(folder, "data", "postmaster.pid");
                var running = File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid) && Directory.Exists($"/proc/{pid}");
                if (!running && Directory.GetCreationTimeUtc(folder) < DateTime.UtcNow - TimeSpan.FromMinutes(10))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
#pragma warning disable CA1031 // Best effort: a folder that cannot be read or removed now is left for a later run.
            catch (Exception)
            {
            }
#pragma warning restore CA1031
        }
    }

    private static void RunAsPostgres(bool asRoot, string program, string[] arguments)
    {
        if (asRoot)
        {
            Run("runuser", ["-u", "postgres", "--", program, .. arguments]);
        }
        else
        {
            Run(program, arguments);
        }
    }

    private static void Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} did not finish within 120 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error.Result}{output.Result}");
        }
    }
}
