using Stackl.Runtime.Hosting;
using Stackl.Runtime.Testing;
using Stackl.Runtime.Tests.Grains;
using Stackl.Storage;
using Stackl.Testing.Databases;

namespace Stackl.Runtime.Tests;

/// <summary>Crash and restart behaviour of the runtime on a real database; subclassed once per engine.</summary>
public abstract class DurabilityTests : IAsyncLifetime
{
    private readonly Probe _probe = new();
    private Action<SiloBuilder> _storage = null!;

    protected abstract Task<Action<SiloBuilder>> CreateStorageAsync();

    public async Task InitializeAsync() => _storage = await CreateStorageAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task State_SurvivesKillAndRestart()
    {
        await using var silo = await TestSilos.StartAsync(_probe, _storage);
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>("durable");
        await grain.IncrementAsync(40);
        await grain.IncrementAsync(2);

        silo.Kill();
        await silo.RestartAsync();
        var after = await silo.GrainFactory.GetGrain<ICounterGrain>("durable").GetAsync();

        Assert.Equal(42, after.Value);
    }

    [Fact]
    public async Task Kill_QueuedAndNewCalls_FailWithSiloUnavailable()
    {
        await using var silo = await TestSilos.StartAsync(_probe, _storage);
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>("killed");
        await grain.PingAsync();
        var blocked = grain.BlockUntilGateAsync();
        await _probe.InsideGate.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var queued = grain.IncrementAsync(1);

        silo.Kill();

        await Assert.ThrowsAsync<SiloUnavailableException>(() => queued);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => grain.IncrementAsync(1));
        _probe.Gate.SetResult();
        await silo.RestartAsync();
        Assert.Equal(0, (await silo.GrainFactory.GetGrain<ICounterGrain>("killed").GetAsync()).Value);
    }

    [Fact]
    public async Task Reminder_DueDuringDowntime_FiresAfterRestart()
    {
        await using var silo = await TestSilos.StartAsync(_probe, _storage);
        await silo.GrainFactory.GetGrain<ICounterGrain>("sleeper").RegisterReminderAsync("wake", 300, null);

        silo.Kill();
        var killedAt = TimeProvider.System.GetUtcNow();
        await Eventually.TrueAsync("the reminder's due time passes while the silo is down", () => TimeProvider.System.GetUtcNow() - killedAt > TimeSpan.FromMilliseconds(400));
        Assert.Empty(_probe.ReminderTicks);
        await silo.RestartAsync();

        await Eventually.TrueAsync("sleeper/wake fires after the restart", () => _probe.ReminderTicks.Any(t => t.Grain == "sleeper"));
        Assert.True(_probe.ReminderTicks.Single().Tick.FiredAt > killedAt);
    }

    [Fact]
    public async Task StaleActivation_WriteAfterAnotherSiloWrote_ThrowsAndDeactivates()
    {
        await using var first = await TestSilos.StartAsync(_probe, _storage);
        await using var second = await TestSilos.StartAsync(new Probe(), _storage);
        var onFirst = first.GrainFactory.GetGrain<ICounterGrain>("contended");
        var onSecond = second.GrainFactory.GetGrain<ICounterGrain>("contended");
        await onFirst.IncrementAsync(1);
        await onSecond.IncrementAsync(10);

        await Assert.ThrowsAsync<InconsistentStateException>(() => onFirst.IncrementAsync(100));
        await Eventually.TrueAsync("the stale activation is deactivated", () => _probe.Deactivations.GetValueOrDefault("contended") == 1);
        var reloaded = await onFirst.IncrementAsync(100);

        Assert.Equal(111, reloaded.Value);
    }
}

public sealed class SqliteDurabilityTests : DurabilityTests, IDisposable
{
    private readonly SqliteDatabase _database = new();

    protected override Task<Action<SiloBuilder>> CreateStorageAsync() =>
        Task.FromResult<Action<SiloBuilder>>(silo => silo.UseSqliteStorage(o => o.DataSource = _database.Path));

    public void Dispose() => _database.Dispose();
}

public sealed class PostgresDurabilityTests : DurabilityTests
{
    protected override async Task<Action<SiloBuilder>> CreateStorageAsync()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("runtime");
        return silo => silo.UsePostgresStorage(o => o.ConnectionString = connectionString);
    }
}
