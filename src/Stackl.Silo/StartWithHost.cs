namespace Stackl.Silo;

/// <summary>Creates a singleton when the host starts rather than at its first use, for services that record from the start (listeners).</summary>
/// <typeparam name="TService">The singleton.</typeparam>
internal sealed class StartWithHost<TService>(TService service) : IHostedService
    where TService : class
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(service);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
