using System.Net;
using System.Text.Json;
using Baocao.Mail;
using Baocao.Review;
using Baocao.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Baocao.Tests.Review;

/// <summary>
/// The whole review story in a real browser (Debian's chromium, headless): the unit submits, the reviewer opens the
/// mail from the local sink, follows the link and returns the report; the unit resubmits; the reviewer and the leader
/// approve from their own mail; the unit receives the receipt. Screenshots go to the test output folder.
/// </summary>
public sealed class ReviewBrowserTests(BrowserApp app) : IClassFixture<BrowserApp>
{
    private const string Id = "2026-H1~HU-DONGSON";
    private readonly ReviewDesk _desk = new(app);
    private static readonly string Shots = Path.Combine(AppContext.BaseDirectory, "screenshots", "review");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Shots);
        var path = Path.Combine(Shots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot: {path}");
        Console.WriteLine($"Screenshot: {path}");
    }

    /// <summary>Reads the local sink's JSON in the browser, as a developer would, and returns the newest mail to someone.</summary>
    private async Task<CapturedMail> MailAsync(IPage page, string to, string category)
    {
        await page.GotoAsync($"{app.BaseUrl}/api/dev/mail");
        var mails = JsonSerializer.Deserialize<List<CapturedMail>>(await page.InnerTextAsync("body"), JsonSerializerOptions.Web)!;
        return mails.Last(m => m.To.Contains(to) && m.CustomArgs.GetValueOrDefault("instanceId") == Id && m.Categories.Contains(category));
    }

    [Fact]
    public async Task A_report_is_returned_resubmitted_reviewed_and_approved_from_the_mail_in_a_browser()
    {
        await using var browser = await Browsers.LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { Locale = "vi-VN", ViewportSize = new ViewportSize { Width = 430, Height = 900 } });
        var unit = await Submitter.ForAsync(app, "HU-DONGSON");

        // The unit submits; the reviewer's mail arrives in the sink.
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form(files: ("Báo cáo sơ kết – Đông Sơn.pdf", Submitter.Pdf(4096))))).StatusCode);
        await _desk.DeliverAsync(Id);
        await page.GotoAsync($"{app.BaseUrl}/api/dev/mail/view");
        await ShotAsync(page, "01-mailbox-reviewer-request");
        var request = await MailAsync(page, ReviewDesk.Reviewer, ReviewMail.RequestCategory);

        // The reviewer follows the link and returns the report with a comment.
        await page.GotoAsync(app.BaseUrl + ReviewDesk.LinkIn(request));
        Assert.Contains("Ban Dân vận Huyện ủy Đông Sơn", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        await ShotAsync(page, "02-review-page-version-1");
        await page.FillAsync("#comment", "Đề nghị bổ sung số mô hình \"Dân vận khéo\" cấp cơ sở.");
        await page.CheckAsync("input[value='thieu-noi-dung']");
        await page.ClickAsync("button[value='return']");
        Assert.Contains("Đã ghi nhận: trả lại", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        await ShotAsync(page, "03-returned");

        // The unit reads the comments, and resubmits.
        await _desk.DeliverAsync(Id);
        var returned = await MailAsync(page, "tuan.dongson@anhoa.example", ReviewMail.ReturnCategory);
        Assert.Contains("Đề nghị bổ sung số mô hình \"Dân vận khéo\" cấp cơ sở.", returned.Text, StringComparison.Ordinal);
        var corrected = Submitter.GoodReport.Replace("\"DVK_MOI\": 12,", "\"DVK_MOI\": 12, \"DVK_CO_SO\": 40,", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form(corrected))).StatusCode);

        // The reviewer approves version 2 from the new mail.
        await _desk.DeliverAsync(Id);
        var second = await MailAsync(page, ReviewDesk.Reviewer, ReviewMail.RequestCategory);
        Assert.Contains("phiên bản 2", second.Subject, StringComparison.Ordinal);
        await page.GotoAsync(app.BaseUrl + ReviewDesk.LinkIn(second));
        Assert.Contains("Thay đổi so với phiên bản 1", await page.Locator("h2").AllInnerTextsAsync());
        await ShotAsync(page, "04-review-page-version-2");
        await page.ClickAsync("button[value='approve']");
        Assert.Contains("Đã ghi nhận: duyệt", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        await ShotAsync(page, "05-reviewer-approved");

        // The leader approves from their own mail.
        await _desk.DeliverAsync(Id);
        var leader = await MailAsync(page, ReviewDesk.Leader, ReviewMail.RequestCategory);
        await page.GotoAsync(app.BaseUrl + ReviewDesk.LinkIn(leader));
        await ShotAsync(page, "06-leader-page");
        await page.ClickAsync("button[value='approve']");
        // The outcome's last line says what happens next.
        Assert.Contains("đã được phê duyệt", await page.InnerTextAsync("li:last-child"), StringComparison.Ordinal);
        await ShotAsync(page, "07-leader-approved");

        // A second click on the same link shows the decision.
        await page.GotoAsync(app.BaseUrl + ReviewDesk.LinkIn(leader));
        Assert.Contains("Anh/chị đã duyệt báo cáo này", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        await ShotAsync(page, "08-repeat-click");

        // The unit receives the receipt: version 2 and its content hash.
        await _desk.DeliverAsync(Id);
        var receipt = await MailAsync(page, "hong.dongson@anhoa.example", ReviewMail.ReceiptCategory);
        Assert.Contains("Phiên bản được duyệt: 2", receipt.Text, StringComparison.Ordinal);
        await page.GotoAsync($"{app.BaseUrl}/api/dev/mail/view");
        await ShotAsync(page, "09-mailbox-receipt");
    }
}
