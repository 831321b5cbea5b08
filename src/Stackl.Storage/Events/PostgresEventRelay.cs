using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Stackl.Contracts;
using Stackl.Tasks.Events;

namespace Stackl.Storage.Events;

/// <summary>Carries task events between the silos of a PostgreSQL cluster with <c>LISTEN/NOTIFY</c> on the shared database.</summary>
/// <remarks>
/// Best effort, like the events themselves: an event published while the database is unreachable is dropped (the task table is
/// the record). A notification carries at most <see cref="MaxMessageLength"/> characters of a log line.
/// </remarks>
internal sealed partial class PostgresEventRelay : IHostedService, IAsyncDisposable
{
    /// <summary>The channel name.</summary>
    public const string ChannelName = "stackl_task_events";

    /// <summary>The longest log line a notification carries: PostgreSQL caps a payload at 8,000 bytes, and JSON may escape a character as six.</summary>
    public const int MaxMessageLength = 1000;

    private static readonly TimeSpan s_reconnectDelay = TimeSpan.FromSeconds(1);
    private readonly string _connectionString;
    private readonly TaskEventHub _hub;
    private readonly ILogger _logger;
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private readonly Channel<TaskEvent> _outgoing = Channel.CreateBounded<TaskEvent>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private Task _listening = Task.CompletedTask;
    private Task _sending = Task.CompletedTask;
    private int _stopped;

    public PostgresEventRelay(string connectionString, TaskEventHub hub, ILogger logger)
    {
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 5 }.ToString();
        _hub = hub;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _hub.PublishedHere += Forward;
        _listening = Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None);
        _sending = Task.Run(() => SendAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _hub.PublishedHere -= Forward;
        _outgoing.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_listening, _sending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    // The token source is not disposed: the host may stop the relay after the container disposed it.
    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    private void Forward(TaskEvent taskEvent) => _outgoing.Writer.TryWrite(taskEvent);

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                var channel = notify.Parameters.AddWithValue("channel", ChannelName);
                var payload = notify.Parameters.AddWithValue("payload", "");
                await foreach (var taskEvent in _outgoing.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    var message = taskEvent.Message is { Length: > MaxMessageLength } text ? text[..MaxMessageLength] + "…" : taskEvent.Message;
                    payload.Value = JsonSerializer.Serialize(new RelayedEvent(_origin, taskEvent with { Message = message }), RelayJsonContext.Default.RelayedEvent);
                    await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                LogRelayInterrupted(_logger, exception.Message);
                await Task.Delay(s_reconnectDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, notification) => Receive(notification.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {ChannelName}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                while (!cancellationToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Events are a live view: the relay reconnects whatever broke it, and never takes the silo down.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                LogRelayInterrupted(_logger, exception.Message);
                await Task.Delay(s_reconnectDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Receive(string payload)
    {
        RelayedEvent? relayed;
        try
        {
            relayed = JsonSerializer.Deserialize(payload, RelayJsonContext.Default.RelayedEvent);
        }
        catch (JsonException)
        {
            return;
        }

        if (relayed is not null && relayed.Origin != _origin)
        {
            _hub.PublishFromAnotherSilo(relayed.Event);
        }
    }

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "The task event relay lost its database connection ({Reason}); it reconnects, and events of other silos published meanwhile are not shown")]
    private static partial void LogRelayInterrupted(ILogger logger, string reason);
}

/// <summary>A task event with the silo process it came from.</summary>
/// <param name="Origin">The publishing relay's id, so a silo skips its own events.</param>
/// <param name="Event">The event.</param>
internal sealed record RelayedEvent(string Origin, TaskEvent Event);
