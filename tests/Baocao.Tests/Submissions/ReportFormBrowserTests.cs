using System.Security.Cryptography;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Baocao.Tests.Submissions;

/// <summary>
/// A district with no system of its own reports through the plain form in a real browser: the key opens its period,
/// the template's figures and sections become fields, a derived total adds up as it is typed, a wrong figure is
/// marked where it was typed, and a 10 MiB scan goes up with tus in two chunks before the report is accepted.
/// </summary>
public sealed class ReportFormBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_unit_fills_the_form_sees_its_mistake_then_submits_with_a_scan_sent_by_tus()
    {
        var unit = await Submitter.IssueAsync(app, "HU-PHULOC");
        var key = unit.Client.DefaultRequestHeaders.GetValues("X-Api-Key").Single();
        var scan = Path.Combine(Browsers.Artifacts("form"), "Biên bản hội nghị.pdf");
        var bytes = Submitter.Pdf(10 * 1024 * 1024 + 123);
        await File.WriteAllBytesAsync(scan, bytes, Ct);

        await using var browser = await Browsers.LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "vi-VN", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout(120_000);
        await page.GotoAsync(app.BaseUrl + "/api/submit");
        await page.FillAsync("#key", key);
        await page.ClickAsync("#key-form button");
        await page.WaitForSelectorAsync("#report-form:not([hidden]) [data-code='DVK_TONG']");
        Assert.Equal("Đơn vị: Ban Dân vận Huyện ủy Phú Lộc", await page.TextContentAsync("#unit"));

        foreach (var (code, value) in new[] { ("DVK_TONG", "126"), ("DVK_MOI", "12"), ("TXDT_SO_CUOC", "8"), ("KNTC_NHAN", "14"), ("KNTC_GIAI_QUYET", "15"), ("KT_BANG_KHEN", "1"), ("KT_GIAY_KHEN", "6") })
        {
            await page.FillAsync($"[data-code='{code}']", value);
        }
        Assert.Equal("7", await page.TextContentAsync("output[data-code='KT_TONG']"));
        await page.FillAsync("textarea[data-section='TINH-HINH']", "Tình hình Nhân dân trên địa bàn ổn định.");
        await page.FillAsync("textarea[data-section='PHUONG-HUONG']", "Tiếp tục nhân rộng mô hình \"Dân vận khéo\".");

        // 15 resolved of 14 received: the server refuses, and the form marks the very field.
        await page.ClickAsync("#submit");
        await page.WaitForSelectorAsync("[data-code='KNTC_GIAI_QUYET'][aria-invalid='true']");
        Assert.Contains("không được lớn hơn", await page.TextContentAsync(".field-error"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browsers.Artifacts("form"), "form-error.png"), FullPage = true });

        await page.FillAsync("[data-code='KNTC_GIAI_QUYET']", "13");
        await page.SetInputFilesAsync("#files", scan);
        await page.ClickAsync("#submit");
        await page.WaitForSelectorAsync("#result .done");
        Assert.Contains("Đã nhận phiên bản 1", await page.TextContentAsync("#result .done"), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browsers.Artifacts("form"), "form-done.png"), FullPage = true });

        var report = await (await unit.Client.GetAsync(unit.ReportPath(), Ct)).ReadAsAsync<ReportView>();
        var version = Assert.Single(report.Versions);
        Assert.Equal(7, version.Values["KT_TONG"].GetInt32());
        var file = Assert.Single(version.Attachments);
        Assert.Equal(("Biên bản hội nghị.pdf", Convert.ToHexStringLower(SHA256.HashData(bytes))), (file.FileName, file.Sha256));
    }
}
