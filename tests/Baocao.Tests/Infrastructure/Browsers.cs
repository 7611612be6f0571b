using Microsoft.Playwright;

namespace Baocao.Tests.Infrastructure;

/// <summary>The demo province served on a real port, so a browser can reach it and follow the links in its mail.</summary>
public sealed class BrowserApp : TestApp
{
    protected override bool SeedDemoData => true;

    protected override bool ServesOverHttp => true;
}

/// <summary>
/// Debian's chromium, headless, driven by Playwright (which cannot download its own browsers here; ./dev test installs
/// chromium when absent). Disposing the session closes the browser and Playwright.
/// </summary>
public sealed class Browsers : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private Browsers(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>Where screenshots and downloads of browser tests are kept, as artifacts of the run.</summary>
    public static string Artifacts(string folder) => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts", folder)).FullName;

    public static async Task<Browsers> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        return new Browsers(playwright, browser);
    }

    public Task<IPage> NewPageAsync(BrowserNewPageOptions options) => Browser.NewPageAsync(options);

    public Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions options) => Browser.NewContextAsync(options);

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
