using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace Stackl.Silo.Tests;

/// <summary>Orleans' Kubernetes hosting is on in a pod only, and leaves the settings Program.cs makes alone.</summary>
public sealed class KubernetesHostingTests : IDisposable
{
    private const string PodName = "stackl-silo-7d9f8-abcde";

    private static readonly Dictionary<string, string> s_pod = new(StringComparer.Ordinal)
    {
        [KubernetesHosting.ServiceHostEnvironmentVariable] = "10.96.0.1",
        [KubernetesHosting.PodNameEnvironmentVariable] = PodName,
        [KubernetesHosting.PodNamespaceEnvironmentVariable] = "default",
        [KubernetesHosting.PodIPEnvironmentVariable] = "10.244.1.7",
    };

    private static readonly string[] s_podVariables =
        [KubernetesHosting.PodNameEnvironmentVariable, KubernetesHosting.PodNamespaceEnvironmentVariable, KubernetesHosting.PodIPEnvironmentVariable];

    public KubernetesHostingTests()
    {
        // The package reads the pod variables from the process itself once it is on; KUBERNETES_SERVICE_HOST stays unset, so
        // nothing else in this process believes it runs in a pod. (The tests of one class never run in parallel.)
        foreach (var name in s_podVariables)
        {
            Environment.SetEnvironmentVariable(name, s_pod[name]);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData(KubernetesHosting.ServiceHostEnvironmentVariable)]
    [InlineData(KubernetesHosting.PodNameEnvironmentVariable)]
    [InlineData(KubernetesHosting.PodNamespaceEnvironmentVariable)]
    [InlineData(KubernetesHosting.PodIPEnvironmentVariable)]
    public void UseStacklKubernetesHostingWhenInPod_OutsideAPodOrWithoutAPodVariable_AddsNothing(string? missing)
    {
        var environment = missing is null ? [] : s_pod.Where(v => v.Key != missing).ToDictionary();
        var before = 0;
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            before = silo.Services.Count;
            silo.UseStacklKubernetesHostingWhenInPod(name => environment.GetValueOrDefault(name));
            Assert.Equal(before, silo.Services.Count);
        });

        Assert.DoesNotContain(builder.Services, IsKubernetesAgent);
    }

    [Fact]
    public void UseStacklKubernetesHostingWhenInPod_InAPod_AddsOrleansKubernetesHostingOnce()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseStacklKubernetesHostingWhenInPod(InPod).UseStacklKubernetesHostingWhenInPod(InPod));

        Assert.Single(builder.Services, IsKubernetesAgent);
    }

    [Fact]
    public void UseStacklKubernetesHostingWhenInPod_InAPod_KeepsStacklsClusterIdAndEndpoints()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            // The order of Program.cs's PostgreSQL branch, with the Kubernetes line first.
            silo.UseStacklKubernetesHostingWhenInPod(InPod);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "stackl";
                o.ServiceId = "stackl";
            });
            silo.ConfigureEndpoints(IPAddress.Parse("10.244.1.7"), 11111, 30000, listenOnAnyHostAddress: true);
            silo.Configure<SiloOptions>(o => o.SiloName = PodName);
        });
        using var services = builder.Services.BuildServiceProvider();

        var cluster = services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        var endpoints = services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(("stackl", "stackl"), (cluster.ClusterId, cluster.ServiceId));
        Assert.Equal(IPAddress.Parse("10.244.1.7"), endpoints.AdvertisedIPAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 11111), endpoints.SiloListeningEndpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 30000), endpoints.GatewayListeningEndpoint);
        Assert.Equal(PodName, services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
    }

    [Fact]
    public void UseStacklKubernetesHostingWhenInPod_InAPod_ASiloNameOtherThanThePodsIsRefused()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.UseStacklKubernetesHostingWhenInPod(InPod);
            silo.Configure<SiloOptions>(o => o.SiloName = "somebody-else");
        });
        using var services = builder.Services.BuildServiceProvider();

        var refused = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<SiloOptions>>().Value);
        Assert.Contains("Stackl:Silo:SiloName", refused.Message, StringComparison.Ordinal);
        Assert.Contains(PodName, refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var name in s_podVariables)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    private static bool IsKubernetesAgent(ServiceDescriptor service) =>
        service.ServiceType == typeof(KubernetesClusterAgent) || service.ImplementationType == typeof(KubernetesClusterAgent);

    private static string? InPod(string name) => s_pod.GetValueOrDefault(name);
}
