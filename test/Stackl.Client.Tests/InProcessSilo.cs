using Stackl.Testing;

namespace Stackl.Client.Tests;

/// <summary>One <see cref="WebSilo"/> on real HTTP (Kestrel at a free 127.0.0.1 port), so the SDK and the CLI reach it exactly as they reach a deployed silo.</summary>
public sealed class InProcessSilo : IAsyncLifetime
{
    private WebSilo? _silo;

    /// <summary>The silo's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress => _silo?.BaseAddress ?? throw new InvalidOperationException("The silo is not started.");

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
        _silo = WebSilo.Start(realHttp: true);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

/// <summary>The tests that share one in-process silo run one after another: one silo host per process at a time.</summary>
[CollectionDefinition(Name)]
public sealed class InProcessSiloCollection : ICollectionFixture<InProcessSilo>
{
    public const string Name = "in-process silo";
}
