using Orleans.Connections.Security;

namespace Stackl.Silo.Transport;

/// <summary>Sets up the silo's transports from configuration: Kestrel's limits and HTTPS certificate, and TLS between silos.</summary>
public static class TransportExtensions
{
    /// <summary>Applies <see cref="KestrelLimitOptions"/> (<c>Stackl:Kestrel</c>) to Kestrel, and serves <see cref="HttpsCertificateOptions"/>' certificate (<c>Stackl:Tls</c>) on <c>https://</c> addresses.</summary>
    /// <remarks>Reads the settings and the certificate at once, so a bad setting or an unreadable file stops the start with a message naming it. Idempotent.</remarks>
    /// <param name="builder">The silo's web application builder.</param>
    public static WebApplicationBuilder UseStacklKestrel(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var limits = builder.Configuration.GetSection(KestrelLimitOptions.SectionName).Get<KestrelLimitOptions>() ?? new KestrelLimitOptions();
        limits.Validate();
        var https = builder.Configuration.GetSection(HttpsCertificateOptions.SectionName).Get<HttpsCertificateOptions>() ?? new HttpsCertificateOptions();
        var certificate = string.IsNullOrWhiteSpace(https.CertificatePath)
            ? null
            : CertificateFile.Load(HttpsCertificateOptions.SectionName, https.CertificatePath, https.CertificatePassword, https.KeyPath);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            limits.ApplyTo(kestrel.Limits);
            if (certificate is not null)
            {
                kestrel.ConfigureHttpsDefaults(o => o.ServerCertificate = certificate);
            }
        });
        return builder;
    }

    /// <summary>Turns on TLS on the silo and gateway ports when <c>Stackl:Cluster:Tls:CertificatePath</c> is set (<see cref="ClusterTlsOptions"/>); else does nothing.</summary>
    /// <remarks>Every silo of a cluster needs the same setting: a silo with TLS and one without cannot talk. Idempotent in effect (the last call's certificate wins).</remarks>
    /// <param name="silo">The silo builder.</param>
    /// <param name="configuration">The silo's configuration.</param>
    public static ISiloBuilder UseStacklClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new ClusterTlsOptions();
        configuration.GetSection(ClusterTlsOptions.SectionName).Bind(settings);
        settings.Validate();
        if (!settings.Enabled)
        {
            return silo;
        }

        var certificate = CertificateFile.Load(ClusterTlsOptions.SectionName, settings.CertificatePath!, settings.CertificatePassword, settings.KeyPath);
        HashSet<string> trusted = [certificate.Thumbprint, .. settings.AllowedThumbprints.Select(NormalizeThumbprint)];
        var required = settings.RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.AllowCertificate;
        return silo.UseTls(certificate, o =>
        {
            // Inbound (silo and gateway ports): what a caller must present. Outbound (to other silos): always present ours.
            o.RemoteCertificateMode = required;
            o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            o.HandshakeTimeout = settings.HandshakeTimeout;

            // Pinned, not chained: the cluster's certificate is usually self-signed, and a certificate any public authority
            // signed must not make its holder a member of the cluster.
            o.RemoteCertificateValidation = (remote, _, _) => trusted.Contains(remote.Thumbprint);
        });
    }

    private static string NormalizeThumbprint(string thumbprint) =>
        thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
