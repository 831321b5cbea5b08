using System.CommandLine;
using Stackl.Client;

namespace Stackl.Cli;

/// <summary>The options every command takes: <c>--server</c>, <c>--api-key</c> and <c>--json</c>.</summary>
internal sealed class GlobalOptions
{
    /// <summary>The server when neither <c>--server</c> nor <c>STACKL_SERVER</c> names one.</summary>
    public const string DefaultServer = "http://127.0.0.1:5000";

    /// <summary><c>--server</c>: the silo's address.</summary>
    public Option<string> Server { get; } = new("--server", "-s")
    {
        Description = $"The silo's address (${StacklClientOptions.ServerEnvironmentVariable}, else {DefaultServer})",
        HelpName = "url",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(StacklClientOptions.ServerEnvironmentVariable) is { Length: > 0 } server ? server : DefaultServer,
    };

    /// <summary><c>--api-key</c>: the credentials sent as a bearer token.</summary>
    public Option<string?> ApiKey { get; } = new("--api-key", "-k")
    {
        Description = $"The API key (or identity-provider token) to send (${StacklClientOptions.ApiKeyEnvironmentVariable}; prefer the variable: arguments show in process lists)",
        HelpName = "key",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(StacklClientOptions.ApiKeyEnvironmentVariable) is { Length: > 0 } key ? key : null,
    };

    /// <summary><c>--json</c>: raw JSON results.</summary>
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write results as raw JSON, one document per line",
        Recursive = true,
    };
}
