using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Stackl.Tasks.Security;

namespace Stackl.Silo.Security;

/// <summary>
/// Makes sure a silo that requires credentials has a key to hand out, before its HTTP server takes requests: on first start it
/// stores an admin key and prints it once to the console (never to the log), or stores the configured
/// <c>Stackl:Auth:BootstrapKey</c>. Says at start whether the API is open.
/// </summary>
internal sealed class AdminKeyBootstrap(
    AuthPolicy policy,
    ApiKeyService keys,
    IOptions<StacklAuthOptions> options,
    IConfiguration configuration,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILogger<AdminKeyBootstrap> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan s_firstAttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_retryPause = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stopping = new();
    private CancellationTokenRegistration _banner;
    private Task _retries = Task.CompletedTask;
    private bool _disposed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _banner = lifetime.ApplicationStarted.Register(SayWhetherOpen);
        if (!NeedsKey())
        {
            return;
        }

        // Registered before Orleans and the web server, so the key is there before the first request; a database that is down at
        // start delays the key (the silo starts, and tries again in the background) but never loses it.
        using var firstAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        firstAttempt.CancelAfter(s_firstAttemptTimeout);
        if (!await TryStoreKeyAsync(firstAttempt.Token))
        {
            _retries = RetryAsync(_stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A test host may dispose the services before it stops them.
        if (!_disposed)
        {
            await _stopping.CancelAsync();
        }

        await _retries.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _disposed = true;
        _stopping.Cancel();
        _banner.Dispose();
        _stopping.Dispose();
    }

    /// <summary>True when some request will need credentials: cluster mode, <c>--auth required</c>, an address beyond loopback, or a configured key.</summary>
    private bool NeedsKey() =>
        policy.MayRequire && (policy.RequiredEverywhere || options.Value.BootstrapKey is not null || ConfiguredUrls().Any(url => !IsLoopback(url)));

    private IEnumerable<string> ConfiguredUrls()
    {
        foreach (var key in new[] { "urls", "http_ports", "https_ports" })
        {
            if (configuration[key] is { Length: > 0 } value)
            {
                // Bare ports (HTTP_PORTS=8080) listen on every address.
                foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    yield return int.TryParse(part, out _) ? $"http://*:{part}" : part;
                }
            }
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                yield return url;
            }
        }
    }

    private static bool IsLoopback(string url)
    {
        var host = url.Split("://", 2)[^1].Split('/', 2)[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        try
        {
            do
            {
                await Task.Delay(s_retryPause, cancellationToken);
            }
            while (!await TryStoreKeyAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo stops.
        }
    }

    private async Task<bool> TryStoreKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (await keys.EnsureAdminKeyAsync(cancellationToken) is { } key)
            {
                // A secret goes to the person starting the silo, not into log files or collectors.
                Console.Out.WriteLine($"""

                    Stackl created the cluster's first API key, for the role admin. It is shown this once; only its hash is stored:

                        {key}

                    Use it as 'Authorization: Bearer <key>' (or STACKL_API_KEY=<key> for the CLI), and create keys for others with
                    'stackl keys create --name <name> --role producer'.

                    """);
                SiloLog.AdminKeyCreated(logger);
            }

            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            SiloLog.AdminKeyFailed(logger, exception);
            return false;
        }
    }

    private void SayWhetherOpen()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (policy.Mode == AuthMode.Open)
        {
            SiloLog.AuthOpen(logger);
        }
        else if (policy.RequiredEverywhere)
        {
            SiloLog.AuthRequired(logger);
        }
        else if (addresses.All(IsLoopback))
        {
            SiloLog.AuthLoopbackOpen(logger);
        }
        else
        {
            SiloLog.AuthRequiredBeyondLoopback(logger);
        }
    }
}
