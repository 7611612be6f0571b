using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using DocumentFormat.OpenXml.Packaging;
using MiniExcelLibs;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Baocao.Tests.Reporting;

/// <summary>
/// The dashboard in a real browser (Debian's chromium, headless, driven by Playwright) against the app on a real
/// port: sign in, read the grid and the rates, the consolidated totals, download the workbook and the Word draft.
/// Screenshots at desktop and phone width are kept under the test output's <c>artifacts</c> folder.
/// </summary>
public sealed class DashboardBrowserTests(DemoApp app) : IClassFixture<DemoApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Artifacts { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    [Fact]
    public async Task Staff_sign_in_read_the_grid_rates_and_totals_and_download_the_workbook_and_the_draft()
    {
        await DemoReports.ArrangeAsync(app);
        // The same storage and clock as the fixture, served by Kestrel on a free port so a browser can reach it.
        await using var web = app.CreateFactory(app.Azurite.ConnectionString, new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
        web.UseKestrel(0);
        web.StartServer();
        var baseUrl = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var browser = await Browsers.LaunchAsync();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, AcceptDownloads = true, Locale = "vi-VN" });
        // Two shared cores run the whole suite at once; give a slow moment room rather than fail on it.
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();

        await page.GotoAsync(baseUrl + "/api/dashboard/2026-H1");
        Assert.Contains("/api/dashboard/sign-in", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=key]", TestApp.AdminKey);
        await page.ClickAsync("button[type=submit]");
        // The grid's figures, not the address: Playwright's wait for the address can hang in its load-state wait on a
        // busy machine (it did here, and for the figures page below).
        await page.WaitForSelectorAsync("#expected");
        Assert.EndsWith("/api/dashboard/2026-H1", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);

        Assert.Equal("13", await page.TextContentAsync("#expected"));
        Assert.Equal("7", await page.TextContentAsync("#actual"));
        Assert.Equal("54%", await page.TextContentAsync("#completeness"));
        Assert.Equal("46%", await page.TextContentAsync("#timeliness"));
        foreach (var (unit, _, state) in DemoReports.Expected)
        {
            Assert.Equal(state.Code(), await page.GetAttributeAsync($"tr[data-unit='{unit}']", "data-state"));
        }
        Assert.Contains("Muộn 1 ngày", await page.InnerTextAsync($"tr[data-unit='{DemoReports.LateUnit}']"));
        var desktop = Path.Combine(Artifacts, "dashboard-1280.png");
        await page.ScreenshotAsync(new() { Path = desktop, FullPage = true });

        await page.SetViewportSizeAsync(390, 844);
        Assert.True(await page.IsVisibleAsync($"tr[data-unit='HU-DONGSON'] td:nth-child(2)"));
        Assert.False(await page.IsVisibleAsync($"tr[data-unit='HU-DONGSON'] td:nth-child(6)"));
        var phone = Path.Combine(Artifacts, "dashboard-390.png");
        await page.ScreenshotAsync(new() { Path = phone, FullPage = true });
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The page is {width} px wide on a 390 px phone.");
        await page.SetViewportSizeAsync(1280, 900);

        await page.GetByRole(AriaRole.Link, new() { Name = "Số liệu tổng hợp", Exact = true }).ClickAsync();
        // The figures table itself, as for the grid above.
        await page.WaitForSelectorAsync("tr[data-indicator='DVK_TONG'] td.total");
        Assert.EndsWith("/figures", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("176", (await page.TextContentAsync("tr[data-indicator='DVK_TONG'] td.total"))!.Trim());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts, "figures-1280.png"), FullPage = true });

        var xlsx = await DownloadAsync(page, "Tải Excel");
        var sheets = MiniExcel.GetSheetNames(xlsx);
        var models = MiniExcel.Query(xlsx, useHeaderRow: true, sheetName: sheets[1]).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(126.0, models.Single(r => (string?)r["Mã đơn vị"] == "HU-DONGSON")["Tổng số mô hình \"Dân vận khéo\" (mô hình)"]);
        Assert.Equal(176.0, models[^2]["Tổng số mô hình \"Dân vận khéo\" (mô hình)"]);
        Assert.Equal(466.0, models[^1]["Tổng số mô hình \"Dân vận khéo\" (mô hình)"]);

        var docx = await DownloadAsync(page, "Dự thảo báo cáo (Word)");
        using (var document = WordprocessingDocument.Open(docx, false))
        {
            var text = document.MainDocumentPart!.Document.Body!.InnerText;
            Assert.Contains("DỰ THẢO BÁO CÁO TỔNG HỢP", text);
            Assert.Contains("Tình hình ổn định; đã bổ sung mô hình cấp cơ sở.", text);
        }

        Console.WriteLine($"Screenshots: {desktop}, {phone}; downloads: {xlsx}, {docx}");
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshots and downloads in {Artifacts}");
    }

    private static async Task<string> DownloadAsync(IPage page, string linkText)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = linkText, Exact = true }).ClickAsync());
        var path = Path.Combine(Artifacts, download.SuggestedFilename);
        await download.SaveAsAsync(path);
        return path;
    }
}
