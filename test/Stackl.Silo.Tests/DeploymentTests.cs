using System.Reflection;
using System.Text.Json;

using Stackl.Silo.Api;
using Stackl.Tasks;
using YamlDotNet.RepresentationModel;

namespace Stackl.Silo.Tests;

/// <summary>Static checks of the Dockerfile, the Kubernetes manifests and the settings files (there is no container engine here to run them).</summary>
public sealed class DeploymentTests
{
    private static readonly Dictionary<string, Type> s_sections = new(StringComparer.Ordinal)
    {
        ["Storage"] = typeof(SiloHostOptions),
        ["Silo"] = typeof(SiloSettings),
        ["Cluster"] = typeof(SiloSettings),
        ["Tasks"] = typeof(TaskOptions),
        ["Api"] = typeof(ApiOptions),
    };

    private static string Root
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Stackl.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("Stackl.sln not found above the test assembly.");
        }
    }

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
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var port = ((YamlMappingNode)((YamlSequenceNode)container["ports"])[0])["containerPort"].ToString();
        var args = ((YamlSequenceNode)container["args"]).Select(a => a.ToString()).ToList();

        Assert.Contains($"EXPOSE {port}", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"ASPNETCORE_URLS=http://+:{port}", dockerfile, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, args[args.IndexOf(StacklConfiguration.ConfigFileSwitch) + 1])), "the --config file of k8s/silo.yaml is in the repository");
    }

    [Fact]
    public void Dockerfile_IsMultiStageAndRunsAsNonRoot()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

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
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "silo-config", file)));
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

    private static void AssertOptionExists(string key, string where)
    {
        var parts = key.Split(':');
        Assert.True(parts.Length == 3 && parts[0] == "Stackl" && s_sections.ContainsKey(parts[1]), $"{where} sets {key}, which is no Stackl option section");
        Assert.True(
            s_sections[parts[1]].GetProperty(parts[2], BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true },
            $"{where} sets {key}, but {s_sections[parts[1]].Name} has no settable property {parts[2]}");
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
        using var reader = new StreamReader(Path.Combine(Root, "silo-config", "k8s", file));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static string? Scalar(YamlMappingNode node, string key) => node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;
}
