using System.Collections;

namespace Stackl.Silo;

/// <summary>Where the silo's settings come from, later sources winning: the embedded defaults, an optional file, <c>STACKL_</c> environment variables, the command line.</summary>
public static class StacklConfiguration
{
    /// <summary>The prefix of Stackl's environment variables: <c>STACKL_Storage__Provider</c> sets <c>Stackl:Storage:Provider</c>.</summary>
    public const string EnvironmentPrefix = "STACKL_";

    /// <summary>The command-line switch naming an extra settings file, e.g. <c>--config silo-config/appsettings.cluster.json</c>.</summary>
    public const string ConfigFileSwitch = "--config";

    /// <summary>Adds the silo's configuration sources.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="args">The command line.</param>
    public static IConfigurationBuilder AddStacklSources(this IConfigurationBuilder configuration, string[] args)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(args);
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "silo-config", "appsettings.embedded.json"), optional: true);
        var fileAt = Array.IndexOf(args, ConfigFileSwitch);
        if (fileAt >= 0)
        {
            var file = fileAt + 1 < args.Length ? Path.GetFullPath(args[fileAt + 1]) : throw new InvalidOperationException($"{ConfigFileSwitch} needs a file path, e.g. {ConfigFileSwitch} silo-config/appsettings.cluster.json.");
            if (!File.Exists(file))
            {
                throw new InvalidOperationException($"{ConfigFileSwitch} names {file}, which does not exist.");
            }

            configuration.AddJsonFile(file, optional: false);
        }

        configuration.AddInMemoryCollection(FromEnvironment(Environment.GetEnvironmentVariables()));
        configuration.AddCommandLine(args, SiloHostOptions.CommandLineSwitches);
        return configuration;
    }

    /// <summary>Maps <c>STACKL_A__B=value</c> to <c>Stackl:A:B</c>.</summary>
    /// <param name="variables">The environment.</param>
    public static IEnumerable<KeyValuePair<string, string?>> FromEnvironment(IDictionary variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        foreach (DictionaryEntry variable in variables)
        {
            if (variable.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && name.Length > EnvironmentPrefix.Length)
            {
                yield return KeyValuePair.Create("Stackl:" + name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal), variable.Value as string);
            }
        }
    }
}
