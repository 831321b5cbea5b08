using System.Globalization;
using System.Reflection;
using System.Text.Json;

using Stackl.Silo.Api;
using Stackl.Tasks;
using YamlDotNet.RepresentationModel;

namespace Stackl.Silo.Tests;

/// <summary>Static checks of the Dockerfile, the Kubernetes manifests and the settings files (there is no container engine here to run them).</summary>
public sealed class DeploymentTests
{
    private static readonly SemaphoreSlim s_npm = new(1, 1);

    private static readonly Dictionary<string, Type> s_sections = new(StringComparer.Ordinal)
    {
        ["Storage"] = typeof(SiloHostOptions),
        ["Silo"] = typeof(SiloSettings),
        ["Cluster"] = typeof(SiloSettings),
        ["Tasks"] = typeof(TaskOptions),
        ["Api"] = typeof(ApiOptions),
        ["Auth"] = typeof(Stackl.Tasks.Security.StacklAuthOptions),
    };

    [Fact]
    public void SiloManifest_SetsOnlyEnvironmentVariablesTheOptionsDefine()
    {
        var container = SiloContainer();
        var env = ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToDictionary(e => ((YamlScalarNode)e["name"]).Value!, e => e);

        Assert.Contains(SiloHostOptions.ProviderEnvironmentVariable, env.Keys);
        Assert.Contains(SiloHostOptions.ConnectionStringEnvironmentVariable, env.Keys);
        Assert.Equal("postgres", ((YamlScalarNode)env[SiloHostOptions.ProviderEnvironmentVariable]["value"]).Value);
        foreach (var name in env.Keys.Where(n => n.StartsWith(StacklConfiguration.EnvironmentPrefix, StringComparison.Ordinal)))
        {
            var key = StacklConfiguration.FromEnvironment(new Dictionary<string, string> { [name] = "x" }).Single().Key;
            AssertOptionExists(key, $"environment variable {name} in k8s/silo.yaml");
        }

        var secretRef = (YamlMappingNode)((YamlMappingNode)env[SiloHostOptions.ConnectionStringEnvironmentVariable]["valueFrom"])["secretKeyRef"];
        var secret = Documents("postgres.yaml").Single(d => Scalar(d, "kind") == "Secret" && Scalar((YamlMappingNode)d["metadata"], "name") == Scalar(secretRef, "name"));
        Assert.Contains(Scalar(secretRef, "key"), ((YamlMappingNode)secret["stringData"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value));
    }

    [Fact]
    public void SiloManifest_PortsAndConfigFileMatchTheImage()
    {
        var container = SiloContainer();
        var dockerfile = File.ReadAllText(Path.Combine(Repository.Root, "Dockerfile"));
        var port = ((YamlMappingNode)((YamlSequenceNode)container["ports"])[0])["containerPort"].ToString();
        var args = ((YamlSequenceNode)container["args"]).Select(a => a.ToString()).ToList();

        Assert.Contains($"EXPOSE {port}", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"ASPNETCORE_URLS=http://+:{port}", dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Repository.Root, args[args.IndexOf(StacklConfiguration.ConfigFileSwitch) + 1])), "the --config file of k8s/silo.yaml is in the repository");
    }

    [Fact]
    public void Dockerfile_IsMultiStageAndRunsAsNonRoot()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.True(lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)) >= 2, "a build stage and a runtime stage");
        var user = lines.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))[5..].Trim();
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.Contains(lines, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && l.Contains("stackl-silo.dll", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("appsettings.embedded.json", "sqlite")]
    [InlineData("appsettings.cluster.json", "postgres")]
    public void SettingsFiles_NameOnlyOptionsThatExist(string file, string provider)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "silo-config", file)));
        var stackl = json.RootElement.GetProperty("Stackl");

        Assert.Equal(provider, stackl.GetProperty("Storage").GetProperty("Provider").GetString());
        foreach (var section in stackl.EnumerateObject())
        {
            foreach (var option in section.Value.EnumerateObject())
            {
                AssertOptionExists($"Stackl:{section.Name}:{option.Name}", file);
            }
        }
    }

    [Fact]
    public void SiloManifest_RunsThreeReplicas_AndADisruptionBudgetAndTheServiceSelectTheirPods()
    {
        var deployment = SiloDeployment();
        var labels = Labels(At(deployment, "spec", "template", "metadata", "labels"));

        Assert.True(int.Parse(Scalar(At(deployment, "spec"), "replicas")!, CultureInfo.InvariantCulture) >= 3, "the silo Deployment runs at least 3 replicas");
        var budget = Documents("silo.yaml").Single(d => Scalar(d, "kind") == "PodDisruptionBudget");
        Assert.Equal("1", Scalar(At(budget, "spec"), "maxUnavailable"));
        Assert.Subset(labels.ToHashSet(), Labels(At(budget, "spec", "selector", "matchLabels")).ToHashSet());
        var service = Documents("silo.yaml").Single(d => Scalar(d, "kind") == "Service");
        Assert.Subset(labels.ToHashSet(), Labels(At(service, "spec", "selector")).ToHashSet());
    }

    [Fact]
    public void SiloManifest_GracePeriod_OutlastsTheSilosShutdownTimeout()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "silo-config", "appsettings.cluster.json")));
        var shutdown = TimeSpan.Parse(json.RootElement.GetProperty("Stackl").GetProperty("Silo").GetProperty("ShutdownTimeout").GetString()!, CultureInfo.InvariantCulture);
        var grace = int.Parse(Scalar(At(SiloDeployment(), "spec", "template", "spec"), "terminationGracePeriodSeconds")!, CultureInfo.InvariantCulture);

        Assert.True(grace > shutdown.TotalSeconds, $"terminationGracePeriodSeconds ({grace}) must outlast Stackl:Silo:ShutdownTimeout ({shutdown.TotalSeconds} s), or Kubernetes kills silos mid-shutdown");
    }

    [Fact]
    public void SiloManifest_ProbesResourcesAndPullPolicy_AreSet()
    {
        var container = SiloContainer();

        Assert.Equal("/health/ready", Scalar(At(container, "readinessProbe", "httpGet"), "path"));
        Assert.Equal("/health/live", Scalar(At(container, "livenessProbe", "httpGet"), "path"));
        Assert.Equal("IfNotPresent", Scalar(container, "imagePullPolicy"));
        Assert.NotNull(Scalar(At(container, "resources", "requests"), "cpu"));
        Assert.NotNull(Scalar(At(container, "resources", "requests"), "memory"));
        Assert.NotNull(Scalar(At(container, "resources", "limits"), "memory"));
        var ports = ((YamlSequenceNode)container["ports"]).Cast<YamlMappingNode>().Select(p => Scalar(p, "containerPort")).ToList();
        var defaults = new SiloSettings();
        Assert.Contains(defaults.SiloPort.ToString(CultureInfo.InvariantCulture), ports);
        Assert.Contains(defaults.GatewayPort.ToString(CultureInfo.InvariantCulture), ports);
    }

    [Fact]
    public void SiloManifest_KubernetesHosting_SeesEachPodAsOneSiloOfTheCluster()
    {
        var deployment = SiloDeployment();
        var pod = At(deployment, "spec", "template", "spec");
        var labels = Labels(At(deployment, "spec", "template", "metadata", "labels"));
        var env = EnvironmentOf(SiloContainer());

        // Orleans' Kubernetes hosting reads the pod's name, namespace and IP; KubernetesHosting turns it on only when all are set.
        Assert.Equal("metadata.name", FieldRef(env, KubernetesHosting.PodNameEnvironmentVariable));
        Assert.Equal("metadata.namespace", FieldRef(env, KubernetesHosting.PodNamespaceEnvironmentVariable));
        Assert.Equal("status.podIP", FieldRef(env, KubernetesHosting.PodIPEnvironmentVariable));
        Assert.Equal("status.podIP", FieldRef(env, "STACKL_Cluster__AdvertisedAddress"));

        // It matches membership entries to pods by name, and finds the cluster's pods by the labels holding Stackl's one cluster id.
        Assert.Equal("metadata.name", FieldRef(env, "STACKL_Silo__SiloName"));
        Assert.Equal("metadata.labels['orleans/clusterId']", FieldRef(env, "STACKL_Cluster__ClusterId"));
        Assert.Equal(labels["orleans/clusterId"], labels["orleans/serviceId"]);
        Assert.DoesNotContain("ORLEANS_CLUSTER_ID", env.Keys);
        Assert.DoesNotContain("ORLEANS_SERVICE_ID", env.Keys);

        // And its service account may read, label, watch and delete pods.
        var account = Scalar(pod, "serviceAccountName");
        var documents = Documents("silo.yaml");
        Assert.Contains(documents, d => Scalar(d, "kind") == "ServiceAccount" && Scalar(At(d, "metadata"), "name") == account);
        var binding = documents.Single(d => Scalar(d, "kind") == "RoleBinding"
            && ((YamlSequenceNode)d["subjects"]).Cast<YamlMappingNode>().Any(s => Scalar(s, "kind") == "ServiceAccount" && Scalar(s, "name") == account));
        var role = documents.Single(d => Scalar(d, "kind") == "Role" && Scalar(At(d, "metadata"), "name") == Scalar(At(binding, "roleRef"), "name"));
        var rule = ((YamlSequenceNode)role["rules"]).Cast<YamlMappingNode>().Single(r => ((YamlSequenceNode)r["resources"]).Any(x => x.ToString() == "pods"));
        Assert.Subset(((YamlSequenceNode)rule["verbs"]).Select(v => v.ToString()).ToHashSet(), new HashSet<string> { "get", "list", "watch", "patch", "delete" });
    }

    [Fact]
    public void PostgresManifest_KeepsItsDataInASubfolderOfAClaimedVolume()
    {
        var statefulSet = Documents("postgres.yaml").Single(d => Scalar(d, "kind") == "StatefulSet");
        var container = (YamlMappingNode)((YamlSequenceNode)At(statefulSet, "spec", "template", "spec")["containers"])[0];
        var claim = (YamlMappingNode)((YamlSequenceNode)At(statefulSet, "spec")["volumeClaimTemplates"])[0];
        var mount = ((YamlSequenceNode)container["volumeMounts"]).Cast<YamlMappingNode>().Single(m => Scalar(m, "name") == Scalar(At(claim, "metadata"), "name"));
        var pgdata = Scalar(EnvironmentOf(container)["PGDATA"], "value")!;

        Assert.StartsWith(Scalar(mount, "mountPath")!.TrimEnd('/') + "/", pgdata, StringComparison.Ordinal);
        Assert.Contains("pg_isready", ((YamlSequenceNode)At(container, "readinessProbe", "exec")["command"]).Select(c => c.ToString()));
    }

    [Fact]
    public async Task Manifests_AreValidAgainstTheKubernetesSchemas()
    {
        var (exitCode, output) = await ValidateAsync();

        Assert.True(exitCode == 0, $"test/k8s-validate/validate.mjs rejected the manifests:\n{output}");
        var documents = Directory.GetFiles(Path.Combine(Repository.Root, "silo-config", "k8s"), "*.yaml").Sum(f => Documents(Path.GetFileName(f)).Count);
        Assert.Contains($"{documents} valid, 0 invalid", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replicas: 3", "replicas: three", "replicas")]
    [InlineData("readinessProbe:", "readinesProbe:", "readinesProbe: unknown field")]
    public async Task Manifests_WithAnError_AreRejectedByTheValidator(string valid, string broken, string expected)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "silo-config", "k8s", "silo.yaml"));
        Assert.Contains(valid, text, StringComparison.Ordinal);
        var file = Path.Combine(Directory.CreateTempSubdirectory("stackl-k8s-").FullName, "broken.yaml");
        await File.WriteAllTextAsync(file, text.Replace(valid, broken, StringComparison.Ordinal));
        try
        {
            var (exitCode, output) = await ValidateAsync(file);

            Assert.True(exitCode != 0, $"the validator accepted a manifest with '{broken}':\n{output}");
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    private static void AssertOptionExists(string key, string where)
    {
        var parts = key.Split(':');
        Assert.True(parts.Length == 3 && parts[0] == "Stackl" && s_sections.ContainsKey(parts[1]), $"{where} sets {key}, which is no Stackl option section");
        Assert.True(
            s_sections[parts[1]].GetProperty(parts[2], BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true },
            $"{where} sets {key}, but {s_sections[parts[1]].Name} has no settable property {parts[2]}");
    }

    private static YamlMappingNode SiloDeployment() => Documents("silo.yaml").Single(d => Scalar(d, "kind") == "Deployment");

    private static YamlMappingNode At(YamlMappingNode node, params string[] keys) => keys.Aggregate(node, (n, key) => (YamlMappingNode)n[key]);

    private static Dictionary<string, string> Labels(YamlMappingNode node) =>
        node.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!);

    private static Dictionary<string, YamlMappingNode> EnvironmentOf(YamlMappingNode container) =>
        ((YamlSequenceNode)container["env"]).Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name")!, e => e);

    private static string? FieldRef(Dictionary<string, YamlMappingNode> env, string name) =>
        env.TryGetValue(name, out var variable) ? Scalar(At(variable, "valueFrom", "fieldRef"), "fieldPath") : null;

    // npm ci runs once per checkout (and again when package-lock.json changes), then the validator runs offline.
    private static async Task<(int ExitCode, string Output)> ValidateAsync(params string[] files)
    {
        var project = Path.Combine(Repository.Root, "test", "k8s-validate");
        await s_npm.WaitAsync();
        try
        {
            var installed = Path.Combine(project, "node_modules", ".package-lock.json");
            if (!File.Exists(installed) || File.GetLastWriteTimeUtc(installed) < File.GetLastWriteTimeUtc(Path.Combine(project, "package-lock.json")))
            {
                var (exitCode, output) = await ExternalCommand.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], project, TimeSpan.FromMinutes(5));
                Assert.True(exitCode == 0, $"npm ci in test/k8s-validate failed (node and npm come from apt: apt-get install nodejs npm; ./scripts/test.sh does it as root):\n{output}");
            }
        }
        finally
        {
            s_npm.Release();
        }

        return await ExternalCommand.RunAsync("node", ["validate.mjs", .. files], project, TimeSpan.FromMinutes(1));
    }

    private static YamlMappingNode SiloContainer()
    {
        var deployment = Documents("silo.yaml").Single(d => Scalar(d, "kind") == "Deployment");
        var spec = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)deployment["spec"])["template"])["spec"];
        return (YamlMappingNode)((YamlSequenceNode)spec["containers"])[0];
    }

    private static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Repository.Root, "silo-config", "k8s", file));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static string? Scalar(YamlMappingNode node, string key) => node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;
}
