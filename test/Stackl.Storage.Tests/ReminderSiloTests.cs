using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stackl.Storage.Reminders;
using Stackl.Testing.Databases;
using IReminderTable = Orleans.IReminderTable;

namespace Stackl.Storage.Tests;

/// <summary>A grain that registers one reminder and reports its ticks.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers (or updates) the reminder <c>probe</c>, due after one period and every period after.</summary>
    Task RegisterAsync(TimeSpan period);
}

/// <summary>Reports every tick to the silo's <see cref="ReminderTicks"/>.</summary>
public sealed class ReminderProbeGrain(ReminderTicks ticks) : Grain, IReminderProbeGrain, IRemindable
{
    public async Task RegisterAsync(TimeSpan period) => await this.RegisterOrUpdateReminder("probe", period, period);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ticks.Record(this.GetPrimaryKeyString(), reminderName);
        return Task.CompletedTask;
    }
}

/// <summary>The ticks one silo delivered.</summary>
public sealed class ReminderTicks
{
    private readonly TaskCompletionSource<(string Grain, string Reminder)> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the first tick's grain key and reminder name.</summary>
    public Task<(string Grain, string Reminder)> First => _first.Task;

    public void Record(string grain, string reminder) => _first.TrySetResult((grain, reminder));
}

/// <summary>Real silos whose reminders live in our storage: they fire, and they survive the silo.</summary>
public sealed class ReminderSiloTests : IDisposable
{
    private static readonly TimeSpan s_tickTimeout = TimeSpan.FromSeconds(60);
    private readonly SqliteDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task SqliteReminder_FiresThenFiresAgainAfterANewSiloStartsOnTheSameFile()
    {
        var first = await StartSiloAsync(b => b.UseStacklSqliteReminders(), withSqliteEngine: true);
        try
        {
            var grain = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IReminderProbeGrain>("p1");
            await grain.RegisterAsync(TimeSpan.FromSeconds(1));
            Assert.Equal(("p1", "probe"), await WaitForTickAsync(first, "first silo"));

            var table = first.Services.GetRequiredService<IReminderTable>();
            Assert.IsType<SqliteReminderTable>(table);
            Assert.NotNull(await table.ReadRow(grain.GetGrainId(), "probe"));
        }
        finally
        {
            await first.Host.StopAsync();
            first.Host.Dispose();
        }

        // Nothing calls the grain now: only the reminder row in the file can bring it back.
        var second = await StartSiloAsync(b => b.UseStacklSqliteReminders(), withSqliteEngine: true);
        try
        {
            Assert.Equal(("p1", "probe"), await WaitForTickAsync(second, "restarted silo on the same SQLite file"));
        }
        finally
        {
            await second.Host.StopAsync();
            second.Host.Dispose();
        }
    }

    [Fact]
    public async Task PostgresReminder_OnAnEmptyDatabase_MigratesAndFires()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("reminder_silo");
        var silo = await StartSiloAsync(b => b.UseStacklPostgresReminders(connectionString), withSqliteEngine: false);
        try
        {
            await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IReminderProbeGrain>("pg").RegisterAsync(TimeSpan.FromSeconds(1));

            Assert.Equal(("pg", "probe"), await WaitForTickAsync(silo, "PostgreSQL silo"));
            Assert.Equal("AdoNetReminderTable", silo.Services.GetRequiredService<IReminderTable>().GetType().Name);
        }
        finally
        {
            await silo.Host.StopAsync();
            silo.Host.Dispose();
        }
    }

    [Fact]
    public void UseReminders_RepeatedAndSwitched_LeaveOneTableOfTheLastChoice()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(_ => StorageEngine.CreateSqlite(new SqliteStorageOptions { DataSource = _database.Path }, [], NullLogger.Instance));
        builder.UseOrleans(b => b
            .UseLocalhostClustering()
            .UseStacklPostgresReminders("Host=127.0.0.1;Database=first")
            .UseStacklSqliteReminders()
            .UseStacklSqliteReminders());
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IReminderTable));
        Assert.DoesNotContain(builder.Services, d => d.ImplementationType?.Name == "PostgresReminderSchema");
        using (var host = builder.Build())
        {
            Assert.IsType<SqliteReminderTable>(host.Services.GetRequiredService<IReminderTable>());
        }

        builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(b => b
            .UseLocalhostClustering()
            .UseStacklSqliteReminders()
            .UseStacklPostgresReminders("Host=127.0.0.1;Database=first")
            .UseStacklPostgresReminders("Host=127.0.0.1;Database=second"));
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IReminderTable));
        Assert.Single(builder.Services, d => d.ImplementationType?.Name == "PostgresReminderSchema");
        Assert.Single(builder.Services, d => d.ImplementationType == typeof(Orleans.Configuration.AdoNetReminderTableOptionsValidator));
        using (var host = builder.Build())
        {
            Assert.Equal("AdoNetReminderTable", host.Services.GetRequiredService<IReminderTable>().GetType().Name);
            var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.AdoNetReminderTableOptions>>().Value;
            Assert.Equal("Host=127.0.0.1;Database=second", options.ConnectionString);
            Assert.Equal("Npgsql", options.Invariant);
        }
    }

    private async Task<Silo> StartSiloAsync(Action<ISiloBuilder> useReminders, bool withSqliteEngine)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ReminderTicks>();
        if (withSqliteEngine)
        {
            builder.Services.AddSingleton(_ => StorageEngine.CreateSqlite(new SqliteStorageOptions { DataSource = _database.Path }, [], NullLogger.Instance));
        }

        builder.UseOrleans(b =>
        {
            b.UseLocalhostClustering(Stackl.Testing.FreePort.Next(), Stackl.Testing.FreePort.Next());
            b.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            useReminders(b);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new Silo(host);
    }

    private static async Task<(string Grain, string Reminder)> WaitForTickAsync(Silo silo, string phase)
    {
        try
        {
            return await silo.Services.GetRequiredService<ReminderTicks>().First.WaitAsync(s_tickTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{phase}: expected a tick of reminder 'probe' within {s_tickTimeout.TotalSeconds} s, got none.");
            throw;
        }
    }

    private sealed record Silo(IHost Host)
    {
        public IServiceProvider Services => Host.Services;
    }
}
