using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Stackl.Client.Tests;

/// <summary>A <c>dotnet</c> child process whose output is kept for failure messages; killed (SIGKILL) when disposed.</summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly System.Text.StringBuilder _stdout = new();
    private readonly System.Text.StringBuilder _stderr = new();

    private ChildProcess(Process process) => _process = process;

    /// <summary>True once it has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its standard output so far.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Its standard error so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>The last lines it wrote (both streams), for a failure message.</summary>
    public string Tail => string.Join('\n', _lines.TakeLast(40));

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c>.</summary>
    public static ChildProcess Start(string dll, string workingDirectory, params IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(BuildOutput.DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The child reads its server from --server only, never from this machine's environment.
        start.Environment.Remove(StacklClientOptions.ServerEnvironmentVariable);
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data, child._stdout);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data, child._stderr);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for it to exit; kills it and throws when it runs longer than <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, string what)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{what} did not exit within {timeout.TotalSeconds:0} s; its output:\n{Tail}");
        }

        // The parameterless wait also drains the asynchronous output readers.
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; what a power cut leaves.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>SIGTERM: asks the process to stop gracefully.</summary>
    public void Terminate() => SendSignal("TERM");

    /// <summary>SIGSTOP: the process freezes with its sockets open, answering nothing, until <see cref="Resume"/>.</summary>
    public void Freeze() => SendSignal("STOP");

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Resume() => SendSignal("CONT");

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // A frozen process ignores nothing but SIGKILL, yet its output readers only drain once it runs again.
                SendSignal("CONT");
            }

            Kill();
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // It never started.
        }

        _process.Dispose();
    }

    private void SendSignal(string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {_process.Id} exited with {kill.ExitCode}.");
        }
    }

    private void Keep(string? line, System.Text.StringBuilder stream)
    {
        if (line is null)
        {
            return;
        }

        lock (stream)
        {
            stream.AppendLine(line);
        }

        _lines.Enqueue(line);
        while (_lines.Count > 200)
        {
            _lines.TryDequeue(out _);
        }
    }
}
