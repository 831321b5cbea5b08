using Microsoft.Playwright;

namespace Stackl.Dashboard.Tests;

/// <summary>One headless Debian Chromium for the test run, driven by Playwright (never Playwright's own browser download).</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian's <c>chromium</c> package installs the browser.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    // Without the background-networking flags Chromium keeps dialling Google's hosts, which a closed network refuses.
    private static readonly string[] s_chromiumArguments =
    [
        "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The browser tests need Debian's Chromium at {ChromiumPath}: install it with 'apt-get install chromium' (./scripts/test.sh does when it runs as root).");
        }

        // CI machines are slow and shared: expectations wait up to 20 s for the page to catch up.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = s_chromiumArguments,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>The browser tests share one browser and run one at a time (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
