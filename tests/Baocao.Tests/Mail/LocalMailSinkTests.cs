using System.Net;
using System.Net.Http.Json;
using Baocao.Mail;
using Baocao.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Baocao.Tests.Mail;

public sealed class LocalMailSinkTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public async Task The_sendgrid_client_delivers_to_the_local_sink_and_the_page_shows_it_escaped()
    {
        var sendGrid = app.Factory.Services.GetRequiredService<ISendGridClient>();
        var message = MailHelper.CreateSingleEmail(
            new EmailAddress("baocao@anhoa.example", "Baocao"),
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

        var page = await client.GetStringAsync("/api/dev/mail/view", TestContext.Current.CancellationToken);
        Assert.Contains("Nhắc hạn nộp báo cáo sơ kết 6 tháng đầu năm 2026", page);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page);
        Assert.DoesNotContain("<script>alert(1)</script>", page);
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
