using Orleans;
using Stackl.Contracts;

namespace Stackl.Client.Orleans;

/// <summary>
/// Retries the Orleans client's first connection to a gateway for up to <see cref="StacklClusterClientOptions.ReconnectTimeout"/>,
/// then fails the host's start with a <see cref="StacklConnectionException"/> naming the last failure.
/// </summary>
/// <remarks>
/// Orleans' default retries fifteen times with a growing pause (over a minute); a gateway that refuses the client (TLS on one side
/// only, a wrong certificate, a wrong cluster id) refuses every attempt, so the caller learns it within the client's own timeout.
/// </remarks>
internal sealed class StacklConnectionRetryFilter(StacklClusterClientOptions options) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan s_pause = TimeSpan.FromMilliseconds(500);
    private long _firstFailure;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;
        if (Interlocked.CompareExchange(ref _firstFailure, time.GetTimestamp(), 0) != 0 && time.GetElapsedTime(_firstFailure) >= options.ReconnectTimeout)
        {
            throw new StacklConnectionException(
                $"Could not connect to a gateway of the Stackl cluster '{options.ClusterId}' within {Durations.Format(options.ReconnectTimeout)} (StacklClusterClientOptions.ReconnectTimeout): {exception.Message} "
                + (options.Tls is null
                    ? "If the silos use TLS (Stackl:Cluster:Tls), set StacklClusterClientOptions.Tls."
                    : "Check that StacklClusterClientOptions.Tls trusts the silos' certificate and gives the client certificate they require."),
                exception);
        }

        await Task.Delay(s_pause, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
