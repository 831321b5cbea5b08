namespace Stackl.Silo.Security;

/// <summary>The certificate that encrypts the data-protection keys the silos store in the database. Bound from <c>Stackl:Auth:DataProtection</c>.</summary>
/// <remarks>
/// Unset (the default), the keys are stored unencrypted. Every silo of a database needs the same certificate with its private key:
/// a silo without it cannot open the keys the others wrote. The file is read once at start; a missing or unreadable one stops the
/// silo with a message naming the setting.
/// </remarks>
public sealed class DataProtectionKeyOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Auth:DataProtection";

    /// <summary>A PFX (<c>.pfx</c>, <c>.p12</c>) holding an RSA certificate and its key, or a PEM certificate (<c>.pem</c>, <c>.crt</c>). Default: none (keys stored unencrypted).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX's password, or the encrypted PEM key's; never logged. Default: none.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The PEM private key, when <see cref="CertificatePath"/> is a PEM certificate. Default: none (a PFX, or the key in the same PEM file).</summary>
    public string? KeyPath { get; set; }
}
