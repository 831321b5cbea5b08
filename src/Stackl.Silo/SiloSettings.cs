using System.Net;
using System.Net.Sockets;

namespace Stackl.Silo;

/// <summary>How the stock host configures its Orleans silo. Bound from <c>Stackl:Silo</c> and <c>Stackl:Cluster</c>.</summary>
public sealed class SiloSettings
{
    /// <summary>The section of the silo settings.</summary>
    public const string SectionName = "Stackl:Silo";

    /// <summary>The section of the cluster settings.</summary>
    public const string ClusterSectionName = "Stackl:Cluster";

    /// <summary>How long a grain call may take before it fails. Default: 30 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an idle activation stays in memory. Default: 15 min.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a graceful stop may take before the host gives up on it. Default: 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The silo's name in the membership. Default: the machine name and the process id.</summary>
    public string? SiloName { get; set; }

    /// <summary>The cluster's id: silos with the same id and database form one cluster. Default: <c>stackl</c>.</summary>
    public string ClusterId { get; set; } = "stackl";

    /// <summary>The port silos talk to each other on. Default: 11111; 0 picks a free port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port Orleans clients connect to. Default: 30000; 0 picks a free port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this one at (a pod's IP in Kubernetes). Default: 127.0.0.1, for silos on one machine.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>The advertised address, or 127.0.0.1 when none is set.</summary>
    public IPAddress AdvertisedAddressOrLoopback() => AdvertisedAddress is { Length: > 0 } address ? IPAddress.Parse(address) : IPAddress.Loopback;

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (CallTimeout <= TimeSpan.Zero || CollectionAge <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Stackl:Silo:CallTimeout and Stackl:Silo:CollectionAge must be positive durations, e.g. 00:00:30.");
        }

        if (SiloPort is < 0 or > 65535 || GatewayPort is < 0 or > 65535)
        {
            throw new InvalidOperationException($"Stackl:Cluster:SiloPort ({SiloPort}) and Stackl:Cluster:GatewayPort ({GatewayPort}) must be ports (0 picks a free one).");
        }

        if (AdvertisedAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
        {
            throw new InvalidOperationException($"Stackl:Cluster:AdvertisedAddress is '{address}', which is not an IP address; use the address other silos reach this one at, e.g. 10.0.0.12.");
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            throw new InvalidOperationException("Stackl:Cluster:ClusterId is empty; silos of one cluster share an id such as 'stackl'.");
        }
    }

    /// <summary>The silo and gateway ports to listen on: the configured ones, or free ports where they are 0 (two different ones).</summary>
    public (int SiloPort, int GatewayPort) ResolvePorts()
    {
        // Both probe listeners are held until both ports are known, so a port picked for the silo is not picked again for the gateway.
        using var siloProbe = SiloPort == 0 ? StartProbe() : null;
        using var gatewayProbe = GatewayPort == 0 ? StartProbe() : null;
        return (siloProbe is null ? SiloPort : PortOf(siloProbe), gatewayProbe is null ? GatewayPort : PortOf(gatewayProbe));
    }

    private static Probe StartProbe()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Probe(listener);
    }

    private static int PortOf(Probe probe) => ((IPEndPoint)probe.Listener.LocalEndpoint).Port;

    private sealed class Probe(TcpListener listener) : IDisposable
    {
        public TcpListener Listener => listener;

        public void Dispose() => listener.Dispose();
    }
}
