namespace Stackl.Testing;

/// <summary>Awaits a condition in tests, failing with a message that names the phase and the last value seen.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds for its value, or throws a <see cref="TimeoutException"/>.</summary>
    /// <typeparam name="T">The observed value.</typeparam>
    /// <param name="phase">What is awaited, e.g. "task 01H.. reaches Completed".</param>
    /// <param name="probe">Reads the current value.</param>
    /// <param name="done">True when the value is the expected one.</param>
    /// <param name="timeout">How long to wait (default 10 s).</param>
    /// <returns>The value that satisfied the condition.</returns>
    public static async Task<T> ValueAsync<T>(string phase, Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var started = TimeProvider.System.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(2);
        T last;
        while (true)
        {
            last = await probe().ConfigureAwait(false);
            if (done(last))
            {
                return last;
            }

            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting until {phase}; last value seen: {last}.");
            }

            await Task.Delay(delay).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 50));
        }
    }

    /// <summary>Polls a synchronous condition until it holds, or throws a <see cref="TimeoutException"/>.</summary>
    /// <param name="phase">What is awaited.</param>
    /// <param name="condition">True when done.</param>
    /// <param name="timeout">How long to wait (default 10 s).</param>
    public static Task TrueAsync(string phase, Func<bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return ValueAsync(phase, () => Task.FromResult(condition()), static ok => ok, timeout);
    }
}
