using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stackl.Runtime.Cluster;
using Stackl.Runtime.Hosting;
using Stackl.Runtime.Reminders;
using Stackl.Runtime.Storage;

namespace Stackl.Runtime.Core;

/// <summary>The heart of one silo: grain references, the catalog, and the services grains reach.</summary>
internal sealed class SiloRuntime : IGrainFactory
{
    private readonly CancellationTokenSource _stopping = new();
    private volatile SiloStatus _status = SiloStatus.Created;
    private ITimer? _collector;

    public SiloRuntime(
        IServiceProvider services,
        IOptions<SiloOptions> options,
        GrainTypeRegistry registry,
        GrainJsonOptions jsonOptions,
        IGrainStateStore grainStateStore,
        IReminderStore reminderStore,
        IGrainDirectory directory,
        IMembershipTable membership,
        ILoggerFactory loggerFactory,
        TimeProvider? timeProvider = null)
    {
        Services = services;
        Options = options.Value;
        Options.Validate();
        Registry = registry;
        JsonOptions = jsonOptions.Options;
        GrainStateStore = grainStateStore;
        Directory = directory;
        Membership = membership;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Logger = loggerFactory.CreateLogger("Stackl.Runtime");
        Catalog = new Catalog(this);
        Metrics = new RuntimeMetrics(services.GetRequiredService<IMeterFactory>());
        Reminders = new ReminderService(this, reminderStore);
    }

    public IServiceProvider Services { get; }

    public SiloOptions Options { get; }

    public string SiloName => Options.SiloName;

    public GrainTypeRegistry Registry { get; }

    public JsonSerializerOptions JsonOptions { get; }

    public IGrainStateStore GrainStateStore { get; }

    public IGrainDirectory Directory { get; }

    public IMembershipTable Membership { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public Catalog Catalog { get; }

    public ReminderService Reminders { get; }

    public RuntimeMetrics Metrics { get; }

    public SiloStatus Status => _status;

    public CancellationToken StoppingToken => _stopping.Token;

    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return GrainProxy.Create<TGrainInterface>(this, Registry.Get(typeof(TGrainInterface)), key);
    }

    /// <summary>Calls a grain method with the call timeout.</summary>
    public Task Invoke(GrainId grainId, GrainInterfaceInfo grainInterface, GrainMethod method, object?[]? arguments) =>
        InvokeCore(grainId, grainInterface, method, arguments, CallChain.Current, applyTimeout: true);

    /// <summary>Calls a grain method for a call that already has a timeout running (a redispatched queued call).</summary>
    public Task InvokeWithoutTimeout(GrainId grainId, GrainMethod method, object?[]? arguments, CallChain? chain) =>
        InvokeCore(grainId, method.Interface, method, arguments, chain, applyTimeout: false);

    public void ThrowIfKilled()
    {
        if (_status == SiloStatus.Killed)
        {
            throw new SiloUnavailableException($"Silo {SiloName} was killed; its work is abandoned.");
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        RuntimeLog.SiloStarting(Logger, SiloName);
        await Membership.RegisterAsync(new SiloEntry(SiloName, SiloStatus.Active, TimeProvider.GetUtcNow()), cancellationToken);
        var quantum = Options.CollectionQuantum < Options.CollectionAge / 4 ? Options.CollectionQuantum : Options.CollectionAge / 4;
        _collector = TimeProvider.CreateTimer(static state => ((SiloRuntime)state!).CollectIdle(), this, quantum, quantum);
        Reminders.Start();
        _status = SiloStatus.Active;
        RuntimeLog.SiloStarted(Logger, SiloName);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_status is SiloStatus.Stopping or SiloStatus.Stopped or SiloStatus.Killed)
        {
            return;
        }

        _status = SiloStatus.Stopping;
        RuntimeLog.SiloStopping(Logger, SiloName);
        _collector?.Dispose();
        await Reminders.StopAsync();
        var activations = Catalog.Activations.ToList();
        foreach (var activation in activations)
        {
            activation.EnqueueDeactivation(DeactivationReason.Shutdown);
        }

        try
        {
            await Task.WhenAll(activations.Select(a => a.Deactivated)).WaitAsync(Options.ShutdownTimeout, TimeProvider, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            RuntimeLog.ShutdownTimedOut(Logger, SiloName, Catalog.Count);
        }

        await _stopping.CancelAsync();
        Catalog.AbandonAll(new SiloUnavailableException($"Silo {SiloName} stopped."));
        await Membership.UpdateStatusAsync(SiloName, SiloStatus.Stopped, CancellationToken.None);
        _status = SiloStatus.Stopped;
        RuntimeLog.SiloStopped(Logger, SiloName);
    }

    /// <summary>Stops at once, as a crash would: no deactivation runs, queued calls fail, store access from running turns fails.</summary>
    public void Kill()
    {
        _status = SiloStatus.Killed;
        _collector?.Dispose();
        Reminders.Kill();
        _stopping.Cancel();
        Catalog.AbandonAll(new SiloUnavailableException($"Silo {SiloName} was killed."));
        RuntimeLog.SiloKilled(Logger, SiloName);
    }

    private Task InvokeCore(GrainId grainId, GrainInterfaceInfo grainInterface, GrainMethod method, object?[]? arguments, CallChain? chain, bool applyTimeout)
    {
        var status = _status;
        if (status is SiloStatus.Killed or SiloStatus.Stopped ||
            (status == SiloStatus.Stopping && chain is null && !method.AlwaysInterleave))
        {
            return method.FromException(new SiloUnavailableException($"Silo {SiloName} is {status.ToString().ToLowerInvariant()}; call {method.Name} on {grainId} through another silo."));
        }

        while (true)
        {
            var activation = Catalog.GetOrCreate(grainId, grainInterface);
            if (activation.TryInvoke(method, arguments, chain, applyTimeout, out var result))
            {
                return result;
            }
        }
    }

    private void CollectIdle()
    {
        try
        {
            Catalog.CollectIdle(Options.CollectionAge);
        }
        catch (Exception exception)
        {
            RuntimeLog.CollectorFailed(Logger, exception);
        }
    }
}
