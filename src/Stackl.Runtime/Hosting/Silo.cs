using Stackl.Runtime.Core;

namespace Stackl.Runtime.Hosting;

/// <summary>The running silo as its host and tests see it: status, grain factory, activation count, and an abrupt kill.</summary>
public sealed class Silo
{
    internal Silo(SiloRuntime runtime)
    {
        Runtime = runtime;
    }

    /// <summary>The silo's name.</summary>
    public string Name => Runtime.SiloName;

    /// <summary>The silo's status.</summary>
    public SiloStatus Status => Runtime.Status;

    /// <summary>Gives grain references served by this silo.</summary>
    public IGrainFactory GrainFactory => Runtime;

    /// <summary>How many activations the silo holds now.</summary>
    public int ActivationCount => Runtime.Catalog.Count;

    /// <summary>How many reminders are armed in memory (due within the next poll horizon).</summary>
    public int ArmedReminderCount => Runtime.Reminders.ArmedCount;

    /// <summary>Cancelled when the silo stops or is killed.</summary>
    public CancellationToken StoppingToken => Runtime.StoppingToken;

    internal SiloRuntime Runtime { get; }

    /// <summary>Stops the silo as a crash would: no deactivation, queued calls fail, running turns lose store access.</summary>
    public void Kill() => Runtime.Kill();
}
