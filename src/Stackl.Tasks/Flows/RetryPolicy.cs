using System.Text.Json;
using Stackl.Contracts;

namespace Stackl.Tasks.Flows;

/// <summary>How a step retries: how many attempts, the wait between them, and whether a step timeout counts as retryable.</summary>
/// <param name="Attempts">Attempts in all, the first included (1: no retry).</param>
/// <param name="Exponential">True: the wait doubles after each attempt; false: it stays <paramref name="Initial"/>.</param>
/// <param name="Initial">The wait after the first failed attempt.</param>
/// <param name="Max">The longest wait.</param>
/// <param name="Jitter">The fraction (0 to 1) by which each wait is moved at random, so retries of many flows do not arrive together.</param>
/// <param name="RetryTimeouts">True when an attempt that ran past the step's timeout is retried too.</param>
internal sealed record RetryPolicy(int Attempts, bool Exponential, TimeSpan Initial, TimeSpan Max, double Jitter, bool RetryTimeouts)
{
    /// <summary>The most attempts a policy may ask for.</summary>
    public const int MaxAttempts = 100;

    /// <summary>One attempt, no retry.</summary>
    public static RetryPolicy None { get; } = new(1, false, TimeSpan.Zero, TimeSpan.Zero, 0, false);

    /// <summary>The wait before attempt <paramref name="failedAttempt"/> + 1.</summary>
    /// <param name="failedAttempt">The attempt that failed (1-based).</param>
    /// <param name="random">A number in [0, 1) for the jitter.</param>
    public TimeSpan DelayAfter(int failedAttempt, double random)
    {
        var delay = Exponential ? Initial * Math.Pow(2, Math.Min(failedAttempt - 1, 30)) : Initial;
        if (delay > Max)
        {
            delay = Max;
        }

        return delay * (1 + (Jitter * ((2 * random) - 1)));
    }

    /// <summary>Reads <c>{"attempts", "backoff": "exponential"|"fixed"|"none", "initial", "max", "jitter", "timeouts"}</c>.</summary>
    /// <exception cref="TaskValidationException">A field is out of range; the message names <paramref name="where"/>.</exception>
    public static RetryPolicy Parse(JsonElement retry, string where)
    {
        if (retry.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{where}.retry must be an object such as {{\"attempts\": 5, \"backoff\": \"exponential\", \"initial\": \"200ms\", \"max\": \"30s\", \"jitter\": 0.2}}.");
        }

        var attempts = 1;
        if (retry.TryGetProperty("attempts", out var attemptsValue) && (!attemptsValue.TryGetInt32(out attempts) || attempts < 1 || attempts > MaxAttempts))
        {
            throw Invalid($"{where}.retry.attempts must be an integer from 1 to {MaxAttempts} (the first attempt included).");
        }

        var backoff = !retry.TryGetProperty("backoff", out var backoffValue) ? "exponential"
            : backoffValue.ValueKind == JsonValueKind.String ? backoffValue.GetString() : null;
        if (backoff is not ("exponential" or "fixed" or "none"))
        {
            throw Invalid($"{where}.retry.backoff must be \"exponential\", \"fixed\" or \"none\".");
        }

        var initial = Duration(retry, "initial", where, TimeSpan.FromMilliseconds(200));
        var max = Duration(retry, "max", where, TimeSpan.FromSeconds(30));
        if (max < initial)
        {
            throw Invalid($"{where}.retry.max ({Durations.Format(max)}) must not be shorter than its initial wait ({Durations.Format(initial)}).");
        }

        var jitter = 0.0;
        if (retry.TryGetProperty("jitter", out var jitterValue) && (!jitterValue.TryGetDouble(out jitter) || jitter is < 0 or > 1))
        {
            throw Invalid($"{where}.retry.jitter must be a number from 0 to 1.");
        }

        var timeouts = false;
        if (retry.TryGetProperty("timeouts", out var timeoutsValue) && timeoutsValue.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw Invalid($"{where}.retry.timeouts must be true or false.");
        }
        else if (timeoutsValue.ValueKind == JsonValueKind.True)
        {
            timeouts = true;
        }

        return backoff == "none"
            ? new RetryPolicy(attempts, false, TimeSpan.Zero, TimeSpan.Zero, 0, timeouts)
            : new RetryPolicy(attempts, backoff == "exponential", initial, max, jitter, timeouts);
    }

    private static TimeSpan Duration(JsonElement retry, string name, string where, TimeSpan fallback)
    {
        if (!retry.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.String && Durations.TryParse(value.GetString(), out var duration) && duration >= TimeSpan.Zero && duration <= TimeSpan.FromHours(1)
            ? duration
            : throw Invalid($"{where}.retry.{name} must be a duration such as \"200ms\" or \"30s\", at most 1h.");
    }

    private static TaskValidationException Invalid(string message) => new(ErrorCodes.InvalidFlow, message);
}
