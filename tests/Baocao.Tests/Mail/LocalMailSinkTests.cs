using System.Net;
using System.Net.Http.Json;
using Baocao.Mail;
using Baocao.Storage;
using Baocao.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Baocao.Tests.Mail;

public sealed class LocalMailSinkTests(TestApp app) : IClassFixture<TestApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly EmailAddress From = new("baocao@anhoa.example", "Baocao");

    private static async Task SendAsync(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> factory, SendGridMessage message)
    {
        var response = await factory.Services.GetRequiredService<ISendGridClient>().SendEmailAsync(message, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task<List<CapturedMail>> ListAsync(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> factory)
    {
        using var client = factory.CreateClient();
        return (await client.GetFromJsonAsync<List<CapturedMail>>("/api/dev/mail", Ct))!;
    }

    /// <summary>Another app on the class's Azurite, started as <c>./dev run</c> starts one again.</summary>
    private async Task<WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost>> StartedAsync()
    {
        var factory = app.CreateFactory(app.Azurite.ConnectionString, new Dictionary<string, string?>());
        await factory.Services.GetRequiredService<StorageReadiness>().Ready.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        return factory;
    }

    [Fact]
    public async Task A_mail_the_sink_kept_is_still_listed_after_the_app_restarts_on_the_same_azurite_and_new_mail_comes_after_it()
    {
        const string before = "Báo cáo đã được duyệt – gửi trước khi khởi động lại";
        const string after = "Nhắc hạn nộp báo cáo – gửi sau khi khởi động lại";
        await using (var first = await StartedAsync())
        {
            await SendAsync(first, MailHelper.CreateSingleEmail(From, new EmailAddress("trang.thanhpho@anhoa.example"), before, "Báo cáo của đơn vị đã được duyệt.", null));
        }

        // The clock reads as it did before the restart: the order still holds.
        await using var second = await StartedAsync();
        var kept = Assert.Single(await ListAsync(second), m => m.Subject == before);
        Assert.Equal(["trang.thanhpho@anhoa.example"], kept.To);
        Assert.Equal("Báo cáo của đơn vị đã được duyệt.", kept.Text);
        await SendAsync(second, MailHelper.CreateSingleEmail(From, new EmailAddress("tuan.dongson@anhoa.example"), after, "Còn 3 ngày đến hạn nộp.", null));
        Assert.Equal([before, after], (await ListAsync(second)).TakeLast(2).Select(m => m.Subject));
    }

    [Fact]
    public async Task A_body_too_big_for_a_row_comes_back_whole_and_the_mailbox_keeps_only_its_newest_mails()
    {
        // A digest for a province reviewer with many units waiting: far beyond the 64 KiB a table property holds.
        var html = "<ul>" + string.Concat(Enumerable.Range(1, 1500).Select(n =>
            $"<li><a href=\"https://baocao.anhoa.example/api/review/{n}\">Ban Dân vận Huyện ủy Đông Sơn {n}</a> – Báo cáo sơ kết 6 tháng đầu năm 2026 (hạn nộp 14/06/2026)</li>")) + "</ul>";
        Assert.True(html.Length > 100_000);
        await SendAsync(app.Factory, MailHelper.CreateSingleEmail(From, new EmailAddress("thuha.bdv@anhoa.example"), "Tổng hợp việc cần làm", "Xem bản HTML.", html));
        Assert.Equal(html, (await ListAsync(app.Factory))[^1].Html);
        Assert.Single(await app.Stored.MailboxBodiesAsync());

        // SendGrid takes up to 1,000 personalizations a request, each one mail.
        SendGridMessage ToMany(int batch) => MailHelper.CreateSingleEmailToMultipleRecipients(From,
            [.. Enumerable.Range(1, 1000).Select(n => new EmailAddress($"donvi{batch}.{n:D4}@anhoa.example"))], $"Nhắc hạn nộp (đợt {batch})", "Còn 1 ngày đến hạn nộp.", "");
        await SendAsync(app.Factory, ToMany(1));
        await SendAsync(app.Factory, ToMany(2));

        var mails = await ListAsync(app.Factory);
        Assert.Equal(LocalMailbox.Capacity, mails.Count);
        Assert.Equal(["donvi1.0001@anhoa.example"], mails[0].To);
        Assert.Equal(["donvi2.1000@anhoa.example"], mails[^1].To);
        // What is beyond the capacity is deleted, the big body's blob with its row.
        Assert.Equal(LocalMailbox.Capacity, await app.Stored.MailboxRowsAsync());
        Assert.Empty(await app.Stored.MailboxBodiesAsync());
    }
    [Fact]
    public async Task The_sendgrid_client_delivers_to_the_local_sink_and_the_page_shows_it_escaped()
    {
        var sendGrid = app.Factory.Services.GetRequiredService<ISendGridClient>();
        var message = MailHelper.CreateSingleEmail(
            From,
            new EmailAddress("tuan.dongson@anhoa.example", "Lê Minh Tuấn"),
            "Nhắc hạn nộp báo cáo sơ kết 6 tháng đầu năm 2026",
            "Kính gửi đồng chí Lê Minh Tuấn, <script>alert(1)</script>",
            "<p>Kính gửi đồng chí <b>Lê Minh Tuấn</b></p>");
        message.AddCategory("reminder");
        message.AddCustomArg("instanceId", "2026-H1~HU-DONGSON");

        var response = await sendGrid.SendEmailAsync(message, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        using var client = app.Anonymous();
        var mails = await client.GetFromJsonAsync<List<CapturedMail>>("/api/dev/mail", TestContext.Current.CancellationToken);
        var mail = Assert.Single(mails!, m => m.Subject == "Nhắc hạn nộp báo cáo sơ kết 6 tháng đầu năm 2026");
        Assert.Equal(["tuan.dongson@anhoa.example"], mail.To);
        Assert.Equal("2026-H1~HU-DONGSON", mail.CustomArgs["instanceId"]);
        Assert.Equal(["reminder"], mail.Categories);

        var page = HtmlPage.Parse(await client.GetStringAsync("/api/dev/mail/view", TestContext.Current.CancellationToken));
        var shown = Assert.Single(page.All("article"), a => HtmlPage.Shown(a.QuerySelector("h2")!) == "Nhắc hạn nộp báo cáo sơ kết 6 tháng đầu năm 2026");
        // The text part is shown as written; had it gone out as markup, the parser would have made a script of it.
        Assert.Equal("Kính gửi đồng chí Lê Minh Tuấn, <script>alert(1)</script>", shown.QuerySelector("pre")!.TextContent);
        Assert.Empty(page.All("script"));
        Assert.Contains("2.000 thư mới nhất", page.Text);
    }

    [Fact]
    public async Task The_sink_refuses_a_mail_without_a_key_or_without_recipients()
    {
        using var client = app.Anonymous();
        var noKey = await client.PostAsync("/api/dev/mail/v3/mail/send", new StringContent("""{"personalizations":[{"to":[{"email":"a@b.example"}]}]}""",
            System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        await noKey.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "SG.x");
        var noRecipients = await client.PostAsync("/api/dev/mail/v3/mail/send", new StringContent("""{"subject":"x"}""",
            System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        await noRecipients.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }
}
