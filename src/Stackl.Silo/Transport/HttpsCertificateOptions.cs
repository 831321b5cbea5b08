namespace Stackl.Silo.Transport;

/// <summary>The certificate Kestrel serves on <c>https://</c> addresses (<c>--urls https://127.0.0.1:5443</c>). Bound from <c>Stackl:Tls</c>.</summary>
/// <remarks>
/// Unset (the default), Kestrel's own configuration applies (<c>Kestrel:Certificates:Default:Path</c>, else the development
/// certificate). The file is read once at start; a missing or unreadable one stops the silo with a message naming the setting.
/// </remarks>
public sealed class HttpsCertificateOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Tls";

    /// <summary>A PFX (<c>.pfx</c>, <c>.p12</c>) holding the certificate and its key, or a PEM certificate (<c>.pem</c>, <c>.crt</c>). Default: none.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX's password, or the encrypted PEM key's; never logged. Default: none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key, when <see cref="CertificatePath"/> is a PEM certificate. Default: none (a PFX, or the key in the same PEM file).</summary>
    public string? KeyPath { get; set; }
}
