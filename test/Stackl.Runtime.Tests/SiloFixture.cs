using Microsoft.Extensions.DependencyInjection;
using Stackl.Runtime.Hosting;
using Stackl.Runtime.Testing;
using Stackl.Runtime.Tests.Grains;

namespace Stackl.Runtime.Tests;

/// <summary>Starts a test silo with the test grains; each test gets its own silo and probe.</summary>
public static class TestSilos
{
    public static Task<TestSiloHost> StartAsync(Probe probe, Action<SiloBuilder> storage, Action<SiloOptions>? options = null) =>
        TestSiloHost.StartAsync(
            silo =>
            {
                silo.AddGrains(typeof(CounterGrain).Assembly).AddJsonTypeInfoResolver(TestGrainJsonContext.Default);
                silo.Configure(o =>
                {
                    o.ReminderPollInterval = TimeSpan.FromMilliseconds(200);
                    o.ReminderRetryDelay = TimeSpan.FromMilliseconds(50);
                    o.ShutdownTimeout = TimeSpan.FromSeconds(2);
                    options?.Invoke(o);
                });
                storage(silo);
            },
            services => services.AddSingleton(probe));
}
