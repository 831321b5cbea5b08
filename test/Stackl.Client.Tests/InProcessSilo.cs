using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Stackl.Testing.Databases;

namespace Stackl.Client.Tests;

/// <summary>
/// One silo hosted in the test process (<see cref="WebApplicationFactory{TEntryPoint}"/>) on Kestrel at a free 127.0.0.1
/// port, on a fresh SQLite file: real HTTP, so the SDK and the CLI reach it exactly as they reach a deployed silo.
/// </summary>
public sealed class InProcessSilo : IAsyncLifetime
{
    private readonly SqliteDatabase _database = new();
    private WebApplicationFactory<Program>? _factory;

    /// <summary>The silo's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A client of the silo; dispose it.</summary>
    /// <param name="options">Settings; the base address is set to the silo's.</param>
    public StacklClient CreateClient(StacklClientOptions? options = null)
    {
        options ??= new StacklClientOptions();
        options.BaseAddress = BaseAddress;
        return new StacklClient(options);
    }

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web.UseSetting("Stackl:Storage:SqlitePath", _database.Path).UseSetting("Stackl:Cluster:SiloPort", "0").UseSetting("Stackl:Cluster:GatewayPort", "0"));
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _database.Dispose();
    }
}

/// <summary>The tests that share one in-process silo run one after another: one silo host per process at a time.</summary>
[CollectionDefinition(Name)]
public sealed class InProcessSiloCollection : ICollectionFixture<InProcessSilo>
{
    public const string Name = "in-process silo";
}
