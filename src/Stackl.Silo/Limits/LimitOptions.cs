namespace Stackl.Silo.Limits;

/// <summary>Per-principal limits of the HTTP API, answered <c>429</c> with <c>Retry-After</c>. Bound from <c>Stackl:Limits</c>; 0 or empty disables a limit.</summary>
/// <remarks>
/// Every limit is counted per principal (the API key's name) and per silo: a cluster of three silos lets a key do three times as
/// much. The anonymous principal of an open API is not limited unless <see cref="LimitAnonymous"/> is set, because every caller
/// of an open silo is that one principal: a per-principal budget would be one budget shared by every client (the benchmark's 64
/// producers at about 5,000 requests a second are one principal).
/// </remarks>
public sealed class LimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Limits";

    /// <summary>Requests a principal may send per second on average, refilled every second (a token bucket). Default: 1,000.</summary>
    public int? RequestsPerSecond { get; set; } = 1_000;

    /// <summary>Requests a principal may send at once above the rate (the bucket's size); at least <see cref="RequestsPerSecond"/>. Default: 2,000.</summary>
    public int? Burst { get; set; } = 2_000;

    /// <summary>Requests with <c>?wait=</c> a principal may hold open at once. Default: 1,000.</summary>
    public int? MaxOpenWaits { get; set; } = 1_000;

    /// <summary>Server-sent event streams a principal may hold open at once. Default: 100.</summary>
    public int? MaxStreams { get; set; } = 100;

    /// <summary>Tasks a principal submitted through this silo that are not final yet. Default: 10,000.</summary>
    /// <remarks>Counted in memory per silo, from the accepted submission to the task's final status.</remarks>
    public int? MaxTasksInFlight { get; set; } = 10_000;

    /// <summary>Also limit the anonymous principal of an open API, as one principal shared by every caller. Default: false.</summary>
    public bool LimitAnonymous { get; set; }

    /// <summary>The rate, or null when disabled.</summary>
    internal int? Rate => RequestsPerSecond is > 0 and var rate ? rate : null;

    /// <summary>The bucket's size: <see cref="Burst"/>, at least the rate.</summary>
    internal int BucketSize => Math.Max(Burst ?? 0, Rate ?? 0);

    /// <summary>A cap, or null when disabled.</summary>
    internal static int? Cap(int? value) => value is > 0 ? value : null;

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        foreach (var (name, value) in new[] { (nameof(RequestsPerSecond), RequestsPerSecond), (nameof(Burst), Burst), (nameof(MaxOpenWaits), MaxOpenWaits), (nameof(MaxStreams), MaxStreams), (nameof(MaxTasksInFlight), MaxTasksInFlight) })
        {
            if (value < 0)
            {
                throw new InvalidOperationException($"{SectionName}:{name} is {value}; set a positive number, or 0 to disable the limit.");
            }
        }

        if (Rate is { } rate && Burst is > 0 and var burst && burst < rate)
        {
            throw new InvalidOperationException($"{SectionName}:Burst ({burst}) is below {SectionName}:RequestsPerSecond ({rate}); set it to at least the rate (the bucket must hold one second's requests).");
        }
    }
}
