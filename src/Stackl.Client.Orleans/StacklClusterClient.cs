using System.Net;
using System.Text.Json;
using Orleans;
using Orleans.Runtime;
using Stackl.Contracts;
using Stackl.Grains.Abstractions;

namespace Stackl.Client.Orleans;

/// <summary>The <see cref="IStacklClient"/> over an Orleans <see cref="IClusterClient"/>: every call goes through a silo's gateway. Thread-safe; keep one.</summary>
/// <remarks>
/// It behaves as <see cref="StacklClient"/> does (same validation, limits, errors and exception types: a refused call throws the
/// <see cref="StacklApiException"/> subclass of the HTTP status the API answers), with two differences a caller may notice: a wait
/// goes on through another gateway when the one it used dies (for up to <see cref="StacklClusterClientOptions.ReconnectTimeout"/>),
/// and <see cref="StacklConnectionException"/> means no gateway answered within <see cref="StacklClusterClientOptions.ResponseTimeout"/>.
/// </remarks>
public sealed partial class StacklClusterClient : IStacklClient
{
    /// <summary>How long a wait pauses before it asks again after a gateway failed or answered 503.</summary>
    private static readonly TimeSpan s_retryPause = TimeSpan.FromMilliseconds(250);

    private readonly IClusterClient _cluster;
    private readonly StacklClusterClientOptions _options;

    /// <summary>Creates a client over a started Orleans client configured with <see cref="StacklClusterClientExtensions.UseStacklCluster"/>.</summary>
    /// <param name="clusterClient">The Orleans client.</param>
    /// <param name="options">The settings (their waits and timeouts); defaults when null.</param>
    public StacklClusterClient(IClusterClient clusterClient, StacklClusterClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(clusterClient);
        options ??= new StacklClusterClientOptions();
        options.Validate();
        _cluster = clusterClient;
        _options = options;
    }

    private TimeProvider Time => _options.TimeProvider;

    private IStacklGatewayGrain Gateway => _cluster.GetGrain<IStacklGatewayGrain>(IStacklGatewayGrain.Key);

    /// <summary>One grain call's wait: at most <see cref="StacklClusterClientOptions.MaxCallWait"/>, zero for none.</summary>
    private TimeSpan CallWait(TimeSpan? wait) =>
        wait is not { } w || w <= TimeSpan.Zero ? TimeSpan.Zero : w < _options.MaxCallWait ? w : _options.MaxCallWait;

    private TimeSpan Remaining(TimeSpan budget, long started) => budget - Time.GetElapsedTime(started);

    private async Task<T> CallAsync<T>(Func<IStacklGatewayGrain, Task<T>> call, string operation, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            PresentCredentials();
            return await call(Gateway).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (Translate(exception, operation, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Puts the API key in the request context of the calls that follow in this async flow (it flows no further than the gateway).</summary>
    private void PresentCredentials()
    {
        if (_options.ApiKey is { Length: > 0 } key)
        {
            RequestContext.Set(StacklCredentials.RequestContextKey, key);
        }
    }

    /// <summary>The SDK's exception for a failed grain call; null for what travels as it is (the caller's cancellation, argument errors).</summary>
    /// <remarks>
    /// A cancellation the caller did not ask for comes from inside the Orleans client (a directory lookup or placement cancelled
    /// when the silo it asked died): it is a connection failure like the others, so a wait retries it through another gateway.
    /// </remarks>
    private StacklException? Translate(Exception exception, string operation, CancellationToken callerToken) => exception switch
    {
        StacklGatewayException refused => Refused(refused),
        OperationCanceledException when !callerToken.IsCancellationRequested => new StacklConnectionException(
            $"The Stackl cluster cancelled {operation} inside its gateway (a silo it needed has gone): retry, the client moves to another.", exception),
        TimeoutException timeout => new StacklConnectionException(
            $"The Stackl cluster did not answer {operation} within {Durations.Format(_options.ResponseTimeout)} (StacklClusterClientOptions.ResponseTimeout); its gateway may have died: retry, the client moves to another.", timeout),
        OrleansException or EnumerationAbortedException => new StacklConnectionException($"Could not reach the Stackl cluster for {operation}: {exception.Message}", exception),
        _ => null,
    };

    /// <summary>The <see cref="StacklApiException"/> subclass the HTTP transport throws for the same status.</summary>
    private static StacklApiException Refused(StacklGatewayException refused)
    {
        var status = (HttpStatusCode)refused.StatusCode;
        return refused.StatusCode switch
        {
            401 or 403 => new StacklAccessDeniedException(status, refused.Code, refused.Message),
            404 => new StacklNotFoundException(status, refused.Code, refused.Message),
            409 => new StacklConflictException(status, refused.Code, refused.Message),
            >= 400 and < 500 => new StacklBadRequestException(status, refused.Code, refused.Message),
            _ => new StacklServerException(status, refused.Code, refused.Message),
        };
    }

    /// <summary>True for failures a wait retries: no gateway answered, or a silo asked to be retried (503).</summary>
    private static bool IsTransient(StacklException failure) =>
        failure is StacklConnectionException || (failure is StacklServerException server && server.StatusCode == HttpStatusCode.ServiceUnavailable);

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}
