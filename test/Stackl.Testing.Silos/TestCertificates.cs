using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Stackl.Testing;

/// <summary>Self-signed certificates that tests make, and the files a silo reads them from.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed RSA certificate for 127.0.0.1 and localhost, valid for a day, usable to serve and to authenticate as a client.</summary>
    /// <param name="subject">Its common name.</param>
    public static X509Certificate2 Create(string subject = "stackl-test")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    /// <summary>Writes <paramref name="certificate"/> with its key as a PFX protected by <paramref name="password"/>.</summary>
    /// <param name="certificate">A certificate with its private key.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="password">The PFX's password.</param>
    public static void WritePfx(X509Certificate2 certificate, string path, string password)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
    }

    /// <summary>Writes <paramref name="certificate"/> as a PEM certificate file and its unencrypted private key as a PEM key file.</summary>
    /// <param name="certificate">A certificate with an RSA private key.</param>
    /// <param name="certificatePath">The certificate file to write.</param>
    /// <param name="keyPath">The key file to write.</param>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using var key = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("The certificate has no RSA private key.");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
    }
}
