using Stackl.Contracts;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Stackl.Contracts;

/// <summary>Stackl API keys: <c>stk_&lt;12 hex id&gt;_&lt;43 base64url secret&gt;</c>, and the salted hash that is all a silo stores.</summary>
/// <remarks>
/// The id is public (listings show it, the database finds the key by it); the secret is 256 random bits, so a salted SHA-256 of
/// it cannot be reversed or guessed, and checking it costs a microsecond per request instead of a password hash's milliseconds.
/// </remarks>
public static class ApiKeyFormat
{
    private const string Prefix = "stk_";
    private const int IdLength = 12;
    private const int SecretBytes = 32;
    private const int MaxNameLength = 64;
    private static readonly int s_secretLength = Base64Url.GetEncodedLength(SecretBytes);

    /// <summary>A new key: its id and the whole key to hand out.</summary>
    public static (string Id, string Key) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2));
        return (id, $"{Prefix}{id}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes))}");
    }

    /// <summary>Splits a key into its id and secret; false when it is not a Stackl key.</summary>
    /// <param name="key">What the caller sent.</param>
    /// <param name="id">The key's id.</param>
    /// <param name="secret">The key's secret.</param>
    public static bool TryParse(string? key, out string id, out string secret)
    {
        id = "";
        secret = "";
        if (key is null || key.Length != Prefix.Length + IdLength + 1 + s_secretLength || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        var idPart = key.AsSpan(Prefix.Length, IdLength);
        var secretPart = key.AsSpan(Prefix.Length + IdLength + 1);
        if (idPart.ContainsAnyExcept("0123456789abcdef") || !Base64Url.IsValid(secretPart))
        {
            return false;
        }

        id = idPart.ToString();
        secret = secretPart.ToString();
        return true;
    }

    /// <summary>True when <paramref name="text"/> looks like a Stackl key (so a bearer token is not taken for a JWT).</summary>
    /// <param name="text">A bearer token.</param>
    public static bool LooksLikeKey(string text) => text.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>A fresh random salt, hex.</summary>
    public static string NewSalt() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>The stored hash of a secret: SHA-256 of the salt and the secret, hex.</summary>
    /// <param name="salt">The key's salt, hex.</param>
    /// <param name="secret">The key's secret.</param>
    public static string Hash(string salt, string secret)
    {
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(secret);
        var saltBytes = Convert.FromHexString(salt);
        var input = new byte[saltBytes.Length + Encoding.UTF8.GetByteCount(secret)];
        saltBytes.CopyTo(input, 0);
        Encoding.UTF8.GetBytes(secret, input.AsSpan(saltBytes.Length));
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>True when <paramref name="secret"/> hashes to <paramref name="hash"/>; compares in constant time.</summary>
    /// <param name="salt">The key's salt, hex.</param>
    /// <param name="hash">The stored hash, hex.</param>
    /// <param name="secret">The secret the caller sent.</param>
    public static bool Verify(string salt, string hash, string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(salt, secret)), Encoding.ASCII.GetBytes(hash));

    /// <summary>True for a valid key or role name: 1 to 64 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>.</summary>
    /// <param name="name">The name.</param>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
