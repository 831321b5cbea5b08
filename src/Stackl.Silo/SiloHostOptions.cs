namespace Stackl.Silo;

/// <summary>How the silo host picks its storage. Bound from <c>Stackl:Storage</c>.</summary>
public sealed class SiloHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Stackl:Storage";

    /// <summary>The environment variable that selects the provider.</summary>
    public const string ProviderEnvironmentVariable = "STACKL_Storage__Provider";

    /// <summary>The environment variable that sets the PostgreSQL connection string.</summary>
    public const string ConnectionStringEnvironmentVariable = "STACKL_Storage__ConnectionString";

    /// <summary>The environment variable that sets the SQLite file.</summary>
    public const string SqlitePathEnvironmentVariable = "STACKL_Storage__SqlitePath";

    /// <summary>The command-line switches and the settings they set.</summary>
    public static readonly IDictionary<string, string> CommandLineSwitches = new Dictionary<string, string>
    {
        ["--storage"] = "Stackl:Storage:Provider",
        ["--connection-string"] = "Stackl:Storage:ConnectionString",
        ["--sqlite-path"] = "Stackl:Storage:SqlitePath",
        ["--cluster-id"] = "Stackl:Cluster:ClusterId",
        ["--silo-port"] = "Stackl:Cluster:SiloPort",
        ["--gateway-port"] = "Stackl:Cluster:GatewayPort",
        ["--auth"] = "Stackl:Auth:Mode",
        [StacklConfiguration.ConfigFileSwitch] = "Stackl:ConfigFile",
    };

    /// <summary>The storage provider: <c>sqlite</c> (default, a file under <c>./data</c>) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The SQLite file. Default: <c>./data/stackl.db</c>.</summary>
    public string SqlitePath { get; set; } = Path.Combine("data", "stackl.db");

    /// <summary>The PostgreSQL connection string (required when <see cref="Provider"/> is <c>postgres</c>; never logged).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>True when <see cref="Provider"/> is <c>postgres</c>.</summary>
    public bool IsPostgres => Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws with a message naming the option and the fix.</summary>
    public void Validate()
    {
        if (!Provider.Equals("sqlite", StringComparison.OrdinalIgnoreCase) && !Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Stackl:Storage:Provider is '{Provider}'; use sqlite or postgres (--storage sqlite|postgres).");
        }

        if (Provider.Equals("postgres", StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException($"Stackl:Storage:Provider is postgres but no connection string is set; pass --connection-string \"Host=...;Database=...;Username=...\" or set {ConnectionStringEnvironmentVariable}.");
        }
    }
}
