using System.Security.Cryptography;

namespace Stackl.Tasks.Execution;

/// <summary>Task ids: 26 characters of lowercase Crockford base32, a millisecond timestamp then randomness, so ids sort by creation time.</summary>
public static class TaskId
{
    /// <summary>The length of an id.</summary>
    public const int Length = 26;

    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>Makes a new id for the current time.</summary>
    /// <param name="timeProvider">The clock.</param>
    public static string New(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var milliseconds = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        Span<char> id = stackalloc char[Length];
        for (var i = 9; i >= 0; i--)
        {
            id[i] = Alphabet[(int)(milliseconds & 31)];
            milliseconds >>= 5;
        }

        // 80 random bits as 16 characters of 5 bits.
        var bits = 0;
        var buffer = 0;
        var position = 10;
        foreach (var b in random)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                id[position++] = Alphabet[(buffer >> bits) & 31];
            }
        }

        return new string(id);
    }

    /// <summary>True when <paramref name="id"/> has the shape of a task id (it may still name no task).</summary>
    /// <param name="id">The candidate.</param>
    public static bool IsWellFormed(string? id) => id is { Length: Length } && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
