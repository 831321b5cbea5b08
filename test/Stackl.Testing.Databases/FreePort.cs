using System.Net;
using System.Net.Sockets;

namespace Stackl.Testing;

/// <summary>Finds free TCP ports on 127.0.0.1 for servers a test starts.</summary>
public static class FreePort
{
    /// <summary>A port no listener holds right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Two different ports no listener holds right now (both are held while the second is picked).</summary>
    public static (int First, int Second) Pair()
    {
        using var first = new TcpListener(IPAddress.Loopback, 0);
        using var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
    }

    /// <summary>True when <paramref name="exception"/> (or one inside it) says a port was taken between picking and binding it.</summary>
    /// <param name="exception">A start failure.</param>
    public static bool IsAddressInUse(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }
}
