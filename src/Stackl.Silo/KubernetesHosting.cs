using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace Stackl.Silo;

/// <summary>Turns on Orleans' Kubernetes integration (<c>Microsoft.Orleans.Hosting.Kubernetes</c>) when the silo runs in a pod.</summary>
public static class KubernetesHosting
{
    /// <summary>Set by Kubernetes in every container: its presence is how a silo knows it runs in a pod.</summary>
    public const string ServiceHostEnvironmentVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>The pod's name, from the downward API (<c>metadata.name</c>).</summary>
    public const string PodNameEnvironmentVariable = KubernetesHostingOptions.PodNameEnvironmentVariable;

    /// <summary>The pod's namespace, from the downward API (<c>metadata.namespace</c>).</summary>
    public const string PodNamespaceEnvironmentVariable = KubernetesHostingOptions.PodNamespaceEnvironmentVariable;

    /// <summary>The pod's IP address, from the downward API (<c>status.podIP</c>).</summary>
    public const string PodIPEnvironmentVariable = KubernetesHostingOptions.PodIPEnvironmentVariable;

    /// <summary>
    /// Calls Orleans' <c>UseKubernetesHosting()</c> when <c>KUBERNETES_SERVICE_HOST</c>, <c>POD_NAME</c>, <c>POD_NAMESPACE</c> and
    /// <c>POD_IP</c> are all set; elsewhere (a laptop, <c>scripts/cluster.sh</c>, the tests) it changes nothing.
    /// </summary>
    /// <remarks>
    /// In a pod, one or two silos watch the cluster's pods (labels <c>orleans/serviceId</c> and <c>orleans/clusterId</c>, which
    /// must equal <c>Stackl:Cluster:ClusterId</c>) and declare a silo dead the moment its pod is deleted, instead of waiting for
    /// missed probes. Stackl's own settings stay in charge: the advertised address and listening endpoints set by
    /// <c>ConfigureEndpoints</c> are kept, and the cluster and service ids are only changed by the package when
    /// <c>ORLEANS_CLUSTER_ID</c>/<c>ORLEANS_SERVICE_ID</c> are set, which the manifests do not do. The silo's name must be its
    /// pod's name (the package matches membership entries to pods by name and declares unmatched silos dead), so the
    /// start fails when <c>Stackl:Silo:SiloName</c> says otherwise. Idempotent.
    /// </remarks>
    /// <param name="silo">The silo builder.</param>
    public static ISiloBuilder UseStacklKubernetesHostingWhenInPod(this ISiloBuilder silo) => silo.UseStacklKubernetesHostingWhenInPod(Environment.GetEnvironmentVariable);

    /// <summary>As <see cref="UseStacklKubernetesHostingWhenInPod(ISiloBuilder)"/>, reading the environment through <paramref name="environment"/>.</summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="environment">Returns an environment variable's value, or null.</param>
    internal static ISiloBuilder UseStacklKubernetesHostingWhenInPod(this ISiloBuilder silo, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(environment);
        if (!IsInPod(environment) || silo.Services.Any(s => s.ImplementationInstance is SiloNameIsPodName))
        {
            return silo;
        }

        silo.UseKubernetesHosting();
        silo.Services.AddSingleton<IValidateOptions<SiloOptions>>(new SiloNameIsPodName(environment(PodNameEnvironmentVariable)!));
        return silo;
    }

    /// <summary>True when the process runs in a Kubernetes pod whose manifest passes the pod's name, namespace and IP.</summary>
    /// <param name="environment">Returns an environment variable's value, or null.</param>
    internal static bool IsInPod(Func<string, string?> environment) =>
        new[] { ServiceHostEnvironmentVariable, PodNameEnvironmentVariable, PodNamespaceEnvironmentVariable, PodIPEnvironmentVariable }
            .All(name => !string.IsNullOrWhiteSpace(environment(name)));

    private sealed class SiloNameIsPodName(string podName) : IValidateOptions<SiloOptions>
    {
        public ValidateOptionsResult Validate(string? name, SiloOptions options) =>
            string.Equals(options.SiloName, podName, StringComparison.Ordinal)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"Stackl:Silo:SiloName is '{options.SiloName}' but this pod is '{podName}': Orleans' Kubernetes hosting matches silos to pods by name "
                    + "and declares unmatched silos dead. Set STACKL_Silo__SiloName from the pod's metadata.name, as silo-config/k8s/silo.yaml does.");
    }
}
