using System.Collections.Concurrent;

namespace Stackl.Testing;

/// <summary>
/// Every secret a test run hands to silos (keys, passwords): in-process silos check on disposal that none of their log lines
/// holds one, so a secret written to a log fails the test that leaked it.
/// </summary>
public static class TestSecrets
{
    private static readonly ConcurrentDictionary<string, byte> s_secrets = new(StringComparer.Ordinal);

    static TestSecrets() => Register(TestKeys.Admin);

    /// <summary>Remembers a secret (ignored when shorter than 8 characters: too short to search for).</summary>
    public static string Register(string secret)
    {
        if (secret.Length >= 8)
        {
            s_secrets.TryAdd(secret, 0);
        }

        return secret;
    }

    /// <summary>The first text that holds a registered secret, shown with the secret masked; null when none does.</summary>
    public static string? FindIn(IEnumerable<string> texts)
    {
        foreach (var text in texts)
        {
            foreach (var secret in s_secrets.Keys)
            {
                if (text.Contains(secret, StringComparison.Ordinal))
                {
                    return text.Replace(secret, $"<secret {secret[..6]}…>", StringComparison.Ordinal);
                }
            }
        }

        return null;
    }
}
