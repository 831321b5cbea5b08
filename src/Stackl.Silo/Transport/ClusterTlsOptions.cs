namespace Stackl.Silo.Transport;

/// <summary>TLS on the silo-to-silo and gateway ports in PostgreSQL mode. Bound from <c>Stackl:Cluster:Tls</c>.</summary>
/// <remarks>
/// Unset (the default), those ports speak plain TCP. With a certificate every silo serves it on both ports and presents it when it
/// calls another silo; a peer or client is trusted when its certificate is this one or is listed in <see cref="AllowedThumbprints"/>
/// (pinned, so a self-signed certificate shared by the cluster works and no other certificate from a public authority does).
/// </remarks>
public sealed class ClusterTlsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Cluster:Tls";

    /// <summary>A PFX (<c>.pfx</c>, <c>.p12</c>) holding the certificate and its key, or a PEM certificate (<c>.pem</c>, <c>.crt</c>). Default: none (no TLS).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX's password, or the encrypted PEM key's; never logged. Default: none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key, when <see cref="CertificatePath"/> is a PEM certificate. Default: none.</summary>
    public string? KeyPath { get; set; }

    /// <summary>True (the default) for mutual TLS: other silos and gateway clients must present a trusted certificate.</summary>
    /// <remarks>False only encrypts: any peer or client that trusts this silo's certificate may connect without one of its own.</remarks>
    public bool RequireClientCertificate { get; set; } = true;

    /// <summary>SHA-1 thumbprints (hex) of other certificates trusted besides this silo's own, e.g. during a certificate rotation or for clients with their own. Default: none.</summary>
    public IList<string> AllowedThumbprints { get; } = [];

    /// <summary>How long a TLS handshake may take before the connection is dropped. Default: 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when a certificate is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (!Enabled && (KeyPath is not null || AllowedThumbprints.Count > 0))
        {
            throw new InvalidOperationException($"{SectionName}:KeyPath or AllowedThumbprints is set without {SectionName}:CertificatePath; set the certificate too, or remove them.");
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}:HandshakeTimeout must be positive (it is {HandshakeTimeout}); set a duration such as 00:00:10.");
        }
    }
}
