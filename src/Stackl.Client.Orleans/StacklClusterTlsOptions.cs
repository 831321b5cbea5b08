using System.Security.Cryptography.X509Certificates;

namespace Stackl.Client.Orleans;

/// <summary>TLS to the silos' gateways, for a cluster whose silos set <c>Stackl:Cluster:Tls:CertificatePath</c>.</summary>
/// <remarks>
/// A gateway is trusted when its certificate's thumbprint is in <see cref="ServerThumbprints"/>, or, when that list is empty, when
/// it is <see cref="ClientCertificate"/> itself (the cluster's shared certificate). Names and chains are not checked: the pin is the check.
/// </remarks>
public sealed class StacklClusterTlsOptions
{
    /// <summary>The certificate (with its private key) presented to the gateways; required when the silos require client certificates (their default). Default: none.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>SHA-1 thumbprints (hex) of the silos' certificates. Default: empty, which trusts <see cref="ClientCertificate"/>'s.</summary>
    public IList<string> ServerThumbprints { get; } = [];

    /// <summary>How long a TLS handshake with a gateway may take. Default: 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The thumbprints a gateway's certificate must match, upper case without separators.</summary>
    public IReadOnlySet<string> TrustedThumbprints() =>
        ServerThumbprints.Count > 0
            ? ServerThumbprints.Select(t => t.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet()
            : ClientCertificate is { } certificate ? new HashSet<string> { certificate.Thumbprint } : new HashSet<string>();

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (ServerThumbprints.Count == 0 && ClientCertificate is null)
        {
            throw new InvalidOperationException("StacklClusterClientOptions.Tls: set ServerThumbprints (the silos' certificate thumbprints) or ClientCertificate (the cluster's certificate, which is then trusted), or both.");
        }

        if (ClientCertificate is { HasPrivateKey: false })
        {
            throw new InvalidOperationException($"StacklClusterClientOptions.Tls.ClientCertificate ({ClientCertificate.Thumbprint}) has no private key; load it from a PFX or with its PEM key.");
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"StacklClusterClientOptions.Tls.HandshakeTimeout must be positive (it is {HandshakeTimeout}).");
        }
    }
}
