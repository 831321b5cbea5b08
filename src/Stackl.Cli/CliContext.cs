using System.CommandLine;
using Stackl.Client;

namespace Stackl.Cli;

/// <summary>What one command runs with: the client of <c>--server</c>, the <c>--json</c> switch and the console.</summary>
internal sealed class CliContext : IDisposable
{
    private CliContext(StacklClient client, bool json, CliConsole console)
    {
        Client = client;
        Json = json;
        Console = console;
    }

    /// <summary>The client of the server.</summary>
    public StacklClient Client { get; }

    /// <summary>True to write results as raw JSON (one document per line).</summary>
    public bool Json { get; }

    /// <summary>The console.</summary>
    public CliConsole Console { get; }

    /// <summary>Results.</summary>
    public TextWriter Out => Console.Output;

    /// <summary>Progress and errors.</summary>
    public TextWriter Err => Console.Error;

    /// <summary>True when progress is a live status line: a person watches and asked for no JSON.</summary>
    public bool LiveStatus => Console.IsTerminal && !Json;

    /// <summary>Builds the context of a parsed command line.</summary>
    /// <param name="parse">The parse result.</param>
    /// <param name="global">The global options.</param>
    /// <param name="console">The console.</param>
    public static CliContext Create(ParseResult parse, GlobalOptions global, CliConsole console)
    {
        var server = parse.GetValue(global.Server);
        if (!Uri.TryCreate(server, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--server is '{server}'; give the silo's address such as http://127.0.0.1:5000 (or set {StacklClientOptions.ServerEnvironmentVariable}).");
        }

        return new CliContext(new StacklClient(new StacklClientOptions { BaseAddress = address, ApiKey = parse.GetValue(global.ApiKey) }), parse.GetValue(global.Json), console);
    }

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}
