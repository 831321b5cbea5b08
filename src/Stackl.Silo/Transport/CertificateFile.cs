using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Stackl.Silo.Transport;

/// <summary>Loads a certificate with its private key from a PFX file, or from a PEM certificate and a PEM key.</summary>
internal static class CertificateFile
{
    /// <summary>Loads the certificate; a missing or unreadable file throws a message naming the setting and the path, never the password.</summary>
    /// <param name="section">The settings' section, e.g. <c>Stackl:Tls</c>, for the messages.</param>
    /// <param name="certificatePath">A <c>.pfx</c>/<c>.p12</c> file, or a PEM certificate when <paramref name="keyPath"/> is set.</param>
    /// <param name="password">The PFX password, or the PEM key's when it is encrypted; null for none.</param>
    /// <param name="keyPath">The PEM private key, or null for a PFX (or a PEM file holding the key after the certificate).</param>
    public static X509Certificate2 Load(string section, string certificatePath, string? password, string? keyPath)
    {
        var certificateSetting = $"{section}:CertificatePath";
        var keySetting = $"{section}:KeyPath";
        Exists(certificateSetting, certificatePath);
        if (keyPath is not null)
        {
            Exists(keySetting, keyPath);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = IsPem(certificatePath, keyPath)
                ? password is null
                    ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath)
                : X509CertificateLoader.LoadPkcs12FromFile(certificatePath, password);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The inner exception is left out: it can quote the file, never the password, but says no more than this.
            throw new InvalidOperationException(
                $"{certificateSetting}: the certificate '{Path.GetFullPath(certificatePath)}'{(keyPath is null ? "" : $" with the key '{Path.GetFullPath(keyPath)}' ({keySetting})")} could not be read: {exception.GetType().Name}: {Describe(exception)}. "
                + $"Give a PFX with its {section}:CertificatePassword, or a PEM certificate with {keySetting}.");
        }

        if (!certificate.HasPrivateKey)
        {
            var path = Path.GetFullPath(certificatePath);
            certificate.Dispose();
            throw new InvalidOperationException($"{certificateSetting}: the certificate '{path}' has no private key; give a PFX that holds it, or the PEM key in {keySetting}.");
        }

        return certificate;
    }

    private static void Exists(string setting, string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{setting}: the file '{Path.GetFullPath(path)}' does not exist (the working directory is '{Environment.CurrentDirectory}').");
        }
    }

    private static bool IsPem(string certificatePath, string? keyPath) =>
        keyPath is not null || certificatePath.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || certificatePath.EndsWith(".crt", StringComparison.OrdinalIgnoreCase);

    // Crypto messages name what failed ("The certificate data cannot be read", "The specified network password is not correct"), never the secret.
    private static string Describe(Exception exception) => exception.Message.TrimEnd('.');
}
