using System.Net;

namespace Stackl.Client.Orleans;

/// <summary>Settings of a <see cref="StacklClusterClient"/> and of the Orleans client under it.</summary>
public sealed class StacklClusterClientOptions
{
    /// <summary>The cluster id of the stock silo (<c>Stackl:Cluster:ClusterId</c>).</summary>
    public const string DefaultClusterId = "stackl";

    /// <summary>The default gateway port of the stock silo (<c>Stackl:Cluster:GatewayPort</c>).</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>The cluster's id, used as Orleans' ClusterId and ServiceId as the silos do. Default: <c>stackl</c>.</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>The Npgsql connection string of the cluster's PostgreSQL database, to find the gateways in its membership table; never logged.</summary>
    /// <remarks>Null (the default) connects to <see cref="Gateways"/> instead.</remarks>
    public string? ConnectionString { get; set; }

    /// <summary>The API key every call presents to the cluster (required when the silos require credentials); null sends none. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>A static gateway list, when there is no <see cref="ConnectionString"/>. Default when empty: <c>127.0.0.1:30000</c>, the embedded silo.</summary>
    public IList<IPEndPoint> Gateways { get; } = [];

    /// <summary>How long a grain call may go unanswered before it fails, so a call sent to a gateway that died fails this soon. Default: 5 s.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the gateway list is read again from PostgreSQL. Default: 5 s (Orleans' default is a minute).</summary>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a submit (and a document put, patch or delete) waits for its task when the call names no wait. Default: 30 s.</summary>
    public TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait asked of a silo in one grain call; longer waits are made of several calls. Default: 2 s.</summary>
    /// <remarks>At most half the <see cref="ResponseTimeout"/>, so a call that waits its whole slice is still answered in time.</remarks>
    public TimeSpan MaxCallWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a wait goes on retrying while no gateway answers (a gateway died; the client moves to another). Default: 30 s.</summary>
    /// <remarks>A wait with a timeout also stops retrying when its timeout ends.</remarks>
    public TimeSpan ReconnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>TLS to the gateways, for silos that set <c>Stackl:Cluster:Tls</c>. Default: null, plain TCP.</summary>
    public StacklClusterTlsOptions? Tls { get; set; }

    /// <summary>The clock that measures waits. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The gateways to connect to when there is no <see cref="ConnectionString"/>.</summary>
    public IReadOnlyList<IPEndPoint> StaticGateways() => Gateways.Count > 0 ? [.. Gateways] : [new IPEndPoint(IPAddress.Loopback, DefaultGatewayPort)];

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            throw new InvalidOperationException("StacklClusterClientOptions.ClusterId is empty; use the silos' Stackl:Cluster:ClusterId (default 'stackl').");
        }

        if (ConnectionString is not null && (string.IsNullOrWhiteSpace(ConnectionString) || Gateways.Count > 0))
        {
            throw new InvalidOperationException("StacklClusterClientOptions: set either ConnectionString (gateways from PostgreSQL) or Gateways (a static list), not both, and ConnectionString not blank.");
        }

        if (ResponseTimeout <= TimeSpan.Zero || GatewayListRefreshPeriod <= TimeSpan.Zero || ReconnectTimeout < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"StacklClusterClientOptions.ResponseTimeout ({ResponseTimeout}) and GatewayListRefreshPeriod ({GatewayListRefreshPeriod}) must be positive, ReconnectTimeout ({ReconnectTimeout}) not negative.");
        }

        if (DefaultWait < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"StacklClusterClientOptions.DefaultWait must not be negative (it is {DefaultWait}).");
        }

        if (MaxCallWait <= TimeSpan.Zero || MaxCallWait > ResponseTimeout / 2)
        {
            throw new InvalidOperationException($"StacklClusterClientOptions.MaxCallWait ({MaxCallWait}) must be positive and at most half the ResponseTimeout ({ResponseTimeout}), so a waiting call is answered before it times out.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        Tls?.Validate();
    }
}
