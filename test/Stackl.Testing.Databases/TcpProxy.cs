using System.Net;
using System.Net.Sockets;
using Stackl.Testing;

namespace Stackl.Testing.Databases;

/// <summary>A loopback TCP forwarder a test can cut and restore, to give a server a real outage without stopping it.</summary>
/// <remarks>While cut, new connections are refused and open ones are closed, as when a database host goes away.</remarks>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _accepting;

    private TcpProxy(IPEndPoint target, int port)
    {
        _target = target;
        Port = port;
    }

    /// <summary>The port clients connect to on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Starts forwarding a free 127.0.0.1 port to <paramref name="targetPort"/> on 127.0.0.1.</summary>
    /// <param name="targetPort">The server's port.</param>
    public static TcpProxy Start(int targetPort)
    {
        var proxy = new TcpProxy(new IPEndPoint(IPAddress.Loopback, targetPort), FreePort.Next());
        proxy.Restore();
        return proxy;
    }

    /// <summary>Refuses new connections and closes the open ones.</summary>
    public void Cut()
    {
        lock (_lock)
        {
            _accepting?.Cancel();
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
            {
                client.Dispose();
            }

            _open.Clear();
        }
    }

    /// <summary>Accepts and forwards connections again.</summary>
    public void Restore()
    {
        lock (_lock)
        {
            if (_listener is not null)
            {
                return;
            }

            _listener = new TcpListener(IPAddress.Loopback, Port);
            _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Start();
            _accepting = new CancellationTokenSource();
            _ = AcceptAsync(_listener, _accepting.Token);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(_target, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (_lock)
            {
                _open.Add(inbound);
                _open.Add(outbound);
            }

            _ = PumpAsync(inbound, outbound);
            _ = PumpAsync(outbound, inbound);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream()).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // A side closed: the connection ends.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}
