using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>JWT bearer tokens from an external identity provider (a company's single sign-on). Bound from <c>Stackl:Auth:Jwt</c>.</summary>
/// <remarks>
/// Off unless <see cref="Issuer"/> or <see cref="Authority"/> is set. A token's signature, issuer, audience and lifetime are checked;
/// its <see cref="NameClaim"/> becomes the principal's name (a task's source) and its <see cref="RoleClaim"/> the Stackl role.
/// </remarks>
public sealed class JwtAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Auth:Jwt";

    /// <summary>The issuer (<c>iss</c>) a token must carry. Default: none (taken from the discovery document when <see cref="Authority"/> is set).</summary>
    public string? Issuer { get; set; }

    /// <summary>The audience (<c>aud</c>) a token must be for, e.g. the client id Stackl has at the identity provider. Required when JWT is on. Default: none.</summary>
    public string? Audience { get; set; }

    /// <summary>The identity provider's base address; its OpenID Connect discovery document supplies the issuer and the signing keys. Default: none.</summary>
    public string? Authority { get; set; }

    /// <summary>True (the default) to fetch the discovery document only over HTTPS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>A symmetric signing key shared with the provider (HS256/384/512), base64, at least 32 bytes; never logged. Default: none.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The provider's public key: a certificate (PEM or DER <c>.cer</c>) or a PEM <c>PUBLIC KEY</c> (RSA or EC). Default: none.</summary>
    public string? SigningCertificatePath { get; set; }

    /// <summary>The claim that holds the Stackl role; when it has several values, the first role Stackl knows wins. Default: <c>roles</c>.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim that names the principal (a task's source). Default: <c>sub</c>.</summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>The role of a token whose role claim names no Stackl role. Default: none (such a token gets 403).</summary>
    public string? DefaultRole { get; set; }

    /// <summary>How far the silo's clock and the provider's may disagree on a token's lifetime. Default: 1 min.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>True when JWT bearer tokens are accepted (<see cref="Issuer"/> or <see cref="Authority"/> is set).</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Issuer) || !string.IsNullOrWhiteSpace(Authority);

    /// <summary>Throws with a message naming the option and the fix; never shows the signing key.</summary>
    /// <param name="roles">The roles the silo knows, for <see cref="DefaultRole"/>.</param>
    public void Validate(RoleCatalog roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (!Enabled)
        {
            if (Audience is not null || SigningKey is not null || SigningCertificatePath is not null || DefaultRole is not null)
            {
                throw new InvalidOperationException($"{SectionName} has settings but neither Issuer nor Authority: set {SectionName}:Issuer (the 'iss' of your provider's tokens) to accept JWTs, or remove the other {SectionName} settings.");
            }

            return;
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            throw new InvalidOperationException($"{SectionName}:Audience is not set: set it to the audience ('aud') your identity provider puts in tokens for Stackl, usually the client id of Stackl's registration there.");
        }

        if (SigningKey is not null && SigningCertificatePath is not null)
        {
            throw new InvalidOperationException($"{SectionName}:SigningKey and {SectionName}:SigningCertificatePath are both set: keep the one your provider signs with.");
        }

        if (string.IsNullOrWhiteSpace(Authority) && SigningKey is null && SigningCertificatePath is null)
        {
            throw new InvalidOperationException($"{SectionName} has no way to check signatures: set {SectionName}:Authority (the provider's address, for its discovery document), {SectionName}:SigningCertificatePath (its public key) or {SectionName}:SigningKey (a shared key, base64).");
        }

        if (!string.IsNullOrWhiteSpace(Authority))
        {
            if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
            {
                throw new InvalidOperationException($"{SectionName}:Authority is '{Authority}'; use the provider's absolute https:// address (its discovery document is <Authority>/.well-known/openid-configuration).");
            }

            if (RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps)
            {
                throw new InvalidOperationException($"{SectionName}:Authority is '{Authority}', not https: use the provider's https:// address, or set {SectionName}:RequireHttpsMetadata=false for a test provider only.");
            }
        }

        if (string.IsNullOrWhiteSpace(RoleClaim) || string.IsNullOrWhiteSpace(NameClaim))
        {
            throw new InvalidOperationException($"{SectionName}:{(string.IsNullOrWhiteSpace(RoleClaim) ? "RoleClaim" : "NameClaim")} is empty: name the claim of your provider's tokens (defaults: RoleClaim 'roles', NameClaim 'sub').");
        }

        if (DefaultRole is not null && roles.Find(DefaultRole) is null)
        {
            throw new InvalidOperationException($"{SectionName}:DefaultRole is '{DefaultRole}', which is no role; the roles are {string.Join(", ", roles.Names)} (custom roles are configured under Stackl:Auth:Roles).");
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException($"{SectionName}:ClockSkew is {ClockSkew}; use 0 to 5 minutes (it extends every token's lifetime).");
        }
    }

    /// <summary>The configured signing key: the shared key or the public key of <see cref="SigningCertificatePath"/>; null when keys come from <see cref="Authority"/>.</summary>
    /// <remarks>Reads the file now, so a missing or unreadable one stops the start with a message naming the setting and the path.</remarks>
    public SecurityKey? LoadSigningKey()
    {
        if (SigningKey is { } shared)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(shared);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{SectionName}:SigningKey is not base64: give the shared key base64-encoded (e.g. 'openssl rand -base64 32' makes one).");
            }

            return bytes.Length >= 32
                ? new SymmetricSecurityKey(bytes)
                : throw new InvalidOperationException($"{SectionName}:SigningKey has {bytes.Length} bytes; a shared key needs at least 32 (256 bits): 'openssl rand -base64 32' makes one.");
        }

        return SigningCertificatePath is { } path ? LoadPublicKey(path) : null;
    }

    private static SecurityKey LoadPublicKey(string path)
    {
        const string Setting = SectionName + ":SigningCertificatePath";
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{Setting} is '{path}', which does not exist (relative paths are resolved from the working directory {Environment.CurrentDirectory}).");
        }

        try
        {
            var text = File.ReadAllText(path);
            if (text.Contains("PUBLIC KEY-----", StringComparison.Ordinal))
            {
                if (TryImport(RSA.Create(), text) is { } rsa)
                {
                    return new RsaSecurityKey(rsa);
                }

                return TryImport(ECDsa.Create(), text) is { } ecdsa
                    ? new ECDsaSecurityKey(ecdsa)
                    : throw new InvalidOperationException($"{Setting} is '{path}', whose PUBLIC KEY is neither RSA nor EC; give the provider's signing certificate or public key.");
            }

            return new X509SecurityKey(X509CertificateLoader.LoadCertificateFromFile(path));
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException($"{Setting} is '{path}', which is not a certificate (PEM or DER) or a PEM public key: {exception.Message}", exception);
        }
    }

    private static T? TryImport<T>(T algorithm, string pem)
        where T : AsymmetricAlgorithm
    {
        try
        {
            algorithm.ImportFromPem(pem);
            return algorithm;
        }
        catch (ArgumentException)
        {
            algorithm.Dispose();
            return null;
        }
        catch (CryptographicException)
        {
            algorithm.Dispose();
            return null;
        }
    }
}
