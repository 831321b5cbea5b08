namespace Stackl.Storage;

/// <summary>Times are stored as unix microseconds (bigint) on both engines.</summary>
internal static class UnixMicros
{
    public static long From(DateTimeOffset at) => (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static long? From(DateTimeOffset? at) => at is { } value ? From(value) : null;

    public static DateTimeOffset To(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);
}
