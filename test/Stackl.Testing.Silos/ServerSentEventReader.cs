using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Testing;

/// <summary>Reads a task event stream one event at a time: its <c>id:</c>, <c>event:</c> and JSON <c>data:</c>.</summary>
public sealed class ServerSentEventReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream);

    /// <summary>The next event, or null when the stream ended; fails after <paramref name="timeout"/> naming what it waited for.</summary>
    /// <param name="waitingFor">What the test expects next, for the failure message.</param>
    /// <param name="timeout">The longest wait (10 s by default).</param>
    public async Task<(string? Id, TaskEvent Event)?> NextAsync(string waitingFor, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        string? id = null;
        string? data = null;
        try
        {
            while (await _reader.ReadLineAsync(cancel.Token).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data is not null)
                    {
                        return (id, JsonSerializer.Deserialize(data, ContractsJsonContext.Default.TaskEvent)!);
                    }

                    continue;
                }

                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line[6..];
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"No server-sent event within {(timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds} s while waiting for {waitingFor}.");
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();
}
