using System.Diagnostics;
using System.Text;

namespace Stackl.Silo.Tests.Transport;

/// <summary>The built silo (<c>stackl-silo.dll</c>) as a child process with the arguments a user gives it; killed when disposed.</summary>
internal sealed class SiloHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloHostProcess(Process process) => _process = process;

    /// <summary>True once it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What it printed so far (both streams).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>dotnet stackl-silo.dll <paramref name="arguments"/></c> in <paramref name="workingDirectory"/>.</summary>
    public static SiloHostProcess Start(string workingDirectory, params IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Repository.DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Repository.SiloDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var silo = new SiloHostProcess(process);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Polls <paramref name="ready"/> until it is true; throws with the silo's output when the silo exits or the time is up.</summary>
    public async Task WaitUntilAsync(string phase, Func<Task<bool>> ready, TimeSpan timeout)
    {
        await Stackl.Testing.Eventually.ValueAsync(
            phase,
            async () => HasExited ? throw new InvalidOperationException($"{phase}: the silo exited with {_process.ExitCode}; its output:\n{Output}") : await ready(),
            done => done,
            timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
