using System.Net;
using System.Text.Json;
using Baocao.Review;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Review;

/// <summary>The review story by e-mail link against the demo province; each test speaks for its own unit.</summary>
public sealed class ReviewByEmailTests(DemoApp app) : IClassFixture<DemoApp>
{
    private readonly ReviewDesk _desk = new(app);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Id(string unit) => $"2026-H1~{unit}";

    /// <summary>The unit submits; the outbox delivers; the reviewer's newest mail for it is returned.</summary>
    private async Task<Baocao.Mail.CapturedMail> SubmittedAsync(string unit, string report = Submitter.GoodReport, params (string, byte[])[] files)
    {
        var submitter = await Submitter.ForAsync(app, unit);
        Assert.Equal(HttpStatusCode.Created, (await submitter.SubmitAsync(Submitter.Form(report, files))).StatusCode);
        await _desk.DeliverAsync(Id(unit));
        return (await _desk.MailsToAsync(ReviewDesk.Reviewer, Id(unit)))[^1];
    }

    [Fact]
    public async Task A_submission_mails_the_reviewer_the_figures_the_changes_the_files_and_a_personal_link()
    {
        var first = await SubmittedAsync("HU-DONGSON", files: ("Báo cáo sơ kết – Đông Sơn.pdf", Submitter.Pdf(2048)));

        Assert.Contains("Ban Dân vận Huyện ủy Đông Sơn", first.Subject, StringComparison.Ordinal);
        Assert.Contains("phiên bản 1", first.Subject, StringComparison.Ordinal);
        Assert.Contains("đúng hạn", first.Text, StringComparison.Ordinal);
        Assert.Contains("Tổng số mô hình \"Dân vận khéo\": 126 mô hình", first.Text, StringComparison.Ordinal);
        Assert.Contains("Báo cáo sơ kết – Đông Sơn.pdf (2 KB)", first.Text, StringComparison.Ordinal);
        var figure = Assert.Single(HtmlPage.Parse(first.Html!).All("tr"), r => HtmlPage.Shown(r.Children[0]) == "Tổng số mô hình \"Dân vận khéo\"");
        Assert.StartsWith("126", HtmlPage.Shown(figure.Children[1]), StringComparison.Ordinal);
        Assert.Equal(Id("HU-DONGSON"), first.CustomArgs["instanceId"]);
        Assert.Equal(["baocao", ReviewMail.RequestCategory], first.Categories);
        var oldLink = ReviewDesk.LinkIn(first);

        // The file link in the mail opens the file for the link's holder, without a unit key.
        using var browser = _desk.Browser();
        var fileLink = new Uri(System.Text.RegularExpressions.Regex.Match(first.Text!, @"http\S+/attachments/1").Value).PathAndQuery;
        Assert.Equal(Submitter.Pdf(2048), await browser.GetByteArrayAsync(fileLink, Ct));

        var second = await SubmittedAsync("HU-DONGSON", Submitter.GoodReport.Replace("\"DVK_TONG\": 126", "\"DVK_TONG\": 131", StringComparison.Ordinal));
        Assert.Contains("phiên bản 2", second.Subject, StringComparison.Ordinal);
        Assert.Contains("Thay đổi so với phiên bản 1:", second.Text, StringComparison.Ordinal);
        Assert.Contains("Tổng số mô hình \"Dân vận khéo\": 126 mô hình → 131 mô hình", second.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Số cuộc tiếp xúc, đối thoại: 8", second.Text!.Split("Thay đổi")[1], StringComparison.Ordinal);

        // The first mail's link now leads to version 1, which is no longer current: a clear page, nothing decided.
        var before = await app.SnapshotAsync();
        var superseded = HtmlPage.Parse(await ReviewDesk.PageAsync(browser, oldLink, HttpStatusCode.Conflict));
        Assert.Equal("Đã có phiên bản mới", superseded.TextOf("h1"));
        Assert.Contains("phiên bản 2 thay cho phiên bản 1", superseded.TextOf("h1 + p"), StringComparison.Ordinal);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Opening_a_link_with_GET_or_HEAD_as_a_mail_scanner_does_changes_nothing()
    {
        var mail = await SubmittedAsync("HU-KIMTHANH", files: ("phu-luc.pdf", Submitter.Pdf(1000)));
        var link = ReviewDesk.LinkIn(mail);
        var before = await app.SnapshotAsync();

        using var scanner = app.Anonymous();
        for (var i = 0; i < 3; i++)
        {
            var page = HtmlPage.Parse(await ReviewDesk.PageAsync(scanner, link));
            Assert.Contains("Ban Dân vận Huyện ủy Kim Thành", page.Text, StringComparison.Ordinal);
            Assert.Contains("Tiếp tục nhân rộng mô hình \"Dân vận khéo\".", page.Text, StringComparison.Ordinal);
            Assert.Equal(["approve", "return"], page.All("button[name=decision]").Select(b => b.GetAttribute("value")));
            Assert.Empty(page.All("script"));
            var head = await scanner.SendAsync(new HttpRequestMessage(HttpMethod.Head, link), Ct);
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await scanner.GetAsync(link + "/attachments/1", Ct)).StatusCode);
        }

        await app.AssertUnchangedSinceAsync(before);
        var instance = (await app.Factory.Services.GetRequiredService<WorkflowEngine>().GetAsync(Id("HU-KIMTHANH"), Ct))!.Instance;
        Assert.Equal(ReportState.Submitted, instance.State);
    }

    [Fact]
    public async Task Bad_links_and_bad_forms_get_a_clear_page_and_change_nothing()
    {
        var link = ReviewDesk.LinkIn(await SubmittedAsync("HU-PHULOC"));
        var token = link[(link.LastIndexOf('/') + 1)..];
        var parts = token.Split('.');
        var tokens = app.Factory.Services.GetRequiredService<ReviewTokens>();
        var real = tokens.Read(token)!;
        var before = await app.SnapshotAsync();
        using var browser = _desk.Browser();

        // Forged signature, a tampered field (another unit's report), an unknown key id.
        var forged = $"{parts[0]}.{parts[1]}.{new string('A', parts[2].Length)}";
        var tampered = $"{parts[0]}.{Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(real with { InstanceId = Id("HU-DONGSON") }, JsonSerializerOptions.Web)).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.{parts[2]}";
        foreach (var bad in new[] { forged, tampered, $"khac.{parts[1]}.{parts[2]}", "khong-phai-lien-ket" })
        {
            var page = HtmlPage.Parse(await ReviewDesk.PageAsync(browser, $"/api/review/{bad}", HttpStatusCode.NotFound));
            Assert.Equal("Liên kết không hợp lệ", page.TextOf("h1"));
            var post = await browser.PostAsync($"/api/review/{bad}", new FormUrlEncodedContent([new("decision", "approve")]), Ct);
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }

        // Expired: signed by the app, but its time is over.
        var expired = tokens.Sign(real with { ExpiresUnix = TestApp.Start.AddMinutes(-1).ToUnixTimeSeconds() });
        Assert.Equal("Liên kết đã hết hạn", HtmlPage.Parse(await ReviewDesk.PageAsync(browser, $"/api/review/{expired}", HttpStatusCode.Gone)).TextOf("h1"));

        // Wrong stage: the leader's stage while the report still waits for the reviewer.
        var leaderLink = tokens.Sign(tokens.NewLink(real.InstanceId, real.Version, "PHE-DUYET", ReviewDesk.Leader));
        Assert.Equal("Báo cáo chưa đến bước này", HtmlPage.Parse(await ReviewDesk.PageAsync(browser, $"/api/review/{leaderLink}", HttpStatusCode.Conflict)).TextOf("h1"));
        // Someone the stage does not name, holding a well-signed link.
        var stranger = tokens.Sign(tokens.NewLink(real.InstanceId, real.Version, "THAM-DINH", "nguoi.la@anhoa.example"));
        Assert.Contains("không còn được giao", HtmlPage.Parse(await ReviewDesk.PageAsync(browser, $"/api/review/{stranger}", HttpStatusCode.Forbidden)).TextOf("h1"), StringComparison.Ordinal);

        // A POST without the page's anti-forgery field (a form on another site, a script) decides nothing.
        var page2 = await ReviewDesk.PageAsync(browser, link);
        var noField = await browser.PostAsync(link, new FormUrlEncodedContent([new("decision", "approve")]), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, noField.StatusCode);
        Assert.Equal("Biểu mẫu không hợp lệ", HtmlPage.Parse(await noField.Content.ReadAsStringAsync(Ct)).TextOf("h1"));

        // Return without a comment: the page again, saying what is missing, keeping what was ticked.
        var (status, html) = await ReviewDesk.PostAsync(browser, link, page2, ("decision", "return"), ("reason", "so-lieu"), ("comment", "   "));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var again = HtmlPage.Parse(html);
        Assert.Contains("Trả lại báo cáo phải kèm nhận xét", again.Text, StringComparison.Ordinal);
        Assert.Equal(["so-lieu"], again.All("input[name=reason][checked]").Select(i => i.GetAttribute("value")));

        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_return_sends_the_unit_the_comments_and_a_repeat_click_shows_the_decision()
    {
        var link = ReviewDesk.LinkIn(await SubmittedAsync("TXU-BINHMINH"));

        var (status, done) = await _desk.DecideAsync(link, ("decision", "return"), ("comment", "Đề nghị bổ sung số liệu <tiếp xúc> tháng 6."),
            ("reason", "so-lieu"), ("reason", "thieu-tep"), ("field:TXDT_SO_CUOC", "Chưa khớp với biên bản."));
        Assert.Equal(HttpStatusCode.OK, status);
        var outcome = HtmlPage.Parse(done);
        Assert.Contains("Đã ghi nhận: trả lại", outcome.Text, StringComparison.Ordinal);
        // Shown as the reviewer typed it: had it gone out as markup, the parser would have made an element of it.
        Assert.Contains("Đề nghị bổ sung số liệu <tiếp xúc> tháng 6.", outcome.Text, StringComparison.Ordinal);

        await _desk.DeliverAsync(Id("TXU-BINHMINH"));
        foreach (var contact in new[] { "mai.binhminh@anhoa.example", "khoa.binhminh@anhoa.example" })
        {
            var returned = Assert.Single(await _desk.MailsToAsync(contact, Id("TXU-BINHMINH")), m => m.Categories.Contains(ReviewMail.ReturnCategory));
            Assert.Contains("bị trả lại", returned.Subject, StringComparison.Ordinal);
            Assert.Contains("Đề nghị bổ sung số liệu <tiếp xúc> tháng 6.", returned.Text, StringComparison.Ordinal);
            Assert.Contains("- Số liệu chưa chính xác hoặc chưa khớp", returned.Text, StringComparison.Ordinal);
            Assert.Contains("- Số cuộc tiếp xúc, đối thoại: Chưa khớp với biên bản.", returned.Text, StringComparison.Ordinal);
            Assert.Contains("/api/periods/2026-H1/reports/TXU-BINHMINH/submissions", returned.Text, StringComparison.Ordinal);
            // As in the text part: markup in the comment would have been made an element, not shown.
            Assert.Equal("Đề nghị bổ sung số liệu <tiếp xúc> tháng 6.", HtmlPage.Parse(returned.Html!).TextOf("blockquote"));
        }
        var history = (await app.Factory.Services.GetRequiredService<WorkflowEngine>().GetAsync(Id("TXU-BINHMINH"), Ct))!.History;
        var returnedEvent = history[^1];
        Assert.Equal((ReportTrigger.Return, WorkflowChannel.Link, "so-lieu,thieu-tep"), (returnedEvent.Trigger, returnedEvent.Channel, returnedEvent.ReasonCode));
        Assert.Equal("Nguyễn Thị Thu Hà <thuha.bdv@anhoa.example>", returnedEvent.Actor);

        // The same link again, opened or posted: the decision it made, never an error, and nothing more written.
        var before = await app.SnapshotAsync();
        using var browser = _desk.Browser();
        var again = HtmlPage.Parse(await ReviewDesk.PageAsync(browser, link));
        Assert.Equal("Anh/chị đã trả lại báo cáo này", again.TextOf("h1"));
        var repost = await browser.PostAsync(link, new FormUrlEncodedContent([new("decision", "approve")]), Ct);
        Assert.Equal(HttpStatusCode.OK, repost.StatusCode);
        Assert.Equal("Anh/chị đã trả lại báo cáo này", HtmlPage.Parse(await repost.Content.ReadAsStringAsync(Ct)).TextOf("h1"));
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task The_reviewer_then_the_leader_approve_and_the_unit_receives_a_signed_receipt()
    {
        var unit = "TPU-ANHOA";
        var (status, done) = await _desk.DecideAsync(ReviewDesk.LinkIn(await SubmittedAsync(unit)), ("decision", "approve"));
        Assert.Equal(HttpStatusCode.OK, status);
        // The outcome's last line says what happens next.
        Assert.Contains("Lãnh đạo Ban phê duyệt", HtmlPage.Parse(done).TextOf("li:last-child"), StringComparison.Ordinal);

        await _desk.DeliverAsync(Id(unit));
        var leaderMail = Assert.Single(await _desk.MailsToAsync(ReviewDesk.Leader, Id(unit)));
        Assert.Contains("Kính gửi Trần Văn Dũng", leaderMail.Text, StringComparison.Ordinal);
        (status, done) = await _desk.DecideAsync(ReviewDesk.LinkIn(leaderMail), ("decision", "approve"), ("comment", "Đồng ý."));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("đã được phê duyệt", HtmlPage.Parse(done).TextOf("li:last-child"), StringComparison.Ordinal);

        await _desk.DeliverAsync(Id(unit));
        var receipt = Assert.Single(await _desk.MailsToAsync("trang.thanhpho@anhoa.example", Id(unit)));
        var version = (await app.Factory.Services.GetRequiredService<WorkflowEngine>().GetVersionAsync(Id(unit), 1, Ct))!;
        Assert.Contains($"Mã băm nội dung (SHA-256): {version.Receipt}", receipt.Text, StringComparison.Ordinal);
        Assert.Contains("Phiên bản được duyệt: 1", receipt.Text, StringComparison.Ordinal);
        var signed = System.Text.RegularExpressions.Regex.Match(receipt.Text!, @"Nội dung ký: (\S+)").Groups[1].Value;
        var signature = System.Text.RegularExpressions.Regex.Match(receipt.Text!, @"Chữ ký \(HMAC-SHA256\): (\S+)").Groups[1].Value;
        Assert.Equal(app.Factory.Services.GetRequiredService<ReviewTokens>().SignReceipt(signed), signature);
        Assert.Equal(ReportState.Approved, (await app.Factory.Services.GetRequiredService<WorkflowEngine>().GetAsync(Id(unit), Ct))!.Instance.State);
    }

    [Fact]
    public async Task Two_reviewers_clicking_approve_and_return_at_the_same_moment_make_one_decision_and_the_other_gets_a_clear_page()
    {
        var admin = app.Admin();
        await (await admin.PostJsonAsync("/api/catalog/periods", """
            { "type": "thematic", "year": 2026, "id": "CD-HAI-NGUOI", "name": "Chuyên đề: hai chuyên viên cùng thẩm định", "templateCode": "SK6T",
              "dataFrom": "2026-01-01", "dataTo": "2026-10-31", "deadline": "2026-12-15T17:00", "scope": { "units": [ "HND" ] },
              "stages": [
                { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "mode": "anyOf", "assignees": [
                  { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" }, { "name": "Phạm Quốc Việt", "email": "viet.bdv@anhoa.example" } ] },
                { "code": "PHE-DUYET", "name": "Lãnh đạo Ban phê duyệt", "assignees": [ { "name": "Trần Văn Dũng", "email": "tvdung.truongban@anhoa.example" } ] } ] }
            """)).ReadAsAsync<JsonElement>();
        (await admin.PostAsync("/api/catalog/periods/CD-HAI-NGUOI/open", null, Ct)).EnsureSuccessStatusCode();
        await app.ReportsStartedAsync("CD-HAI-NGUOI");
        var unit = await Submitter.ForAsync(app, "HND");
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form(), "CD-HAI-NGUOI")).StatusCode);
        const string id = "CD-HAI-NGUOI~HND";
        await _desk.DeliverAsync(id);
        var links = new[]
        {
            ReviewDesk.LinkIn(Assert.Single(await _desk.MailsToAsync(ReviewDesk.Reviewer, id))),
            ReviewDesk.LinkIn(Assert.Single(await _desk.MailsToAsync("viet.bdv@anhoa.example", id))),
        };
        using var ha = _desk.Browser();
        using var viet = _desk.Browser();
        var pages = new[] { await ReviewDesk.PageAsync(ha, links[0]), await ReviewDesk.PageAsync(viet, links[1]) };

        var results = await Task.WhenAll(
            ReviewDesk.PostAsync(ha, links[0], pages[0], ("decision", "approve")),
            ReviewDesk.PostAsync(viet, links[1], pages[1], ("decision", "return"), ("comment", "Thiếu phụ lục số liệu.")));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], results.Select(r => r.Status).Order());
        var loser = HtmlPage.Parse(results.Single(r => r.Status == HttpStatusCode.Conflict).Html);
        Assert.Equal("Báo cáo đã được xử lý", loser.TextOf("h1"));
        Assert.Contains("không được ghi nhận", loser.Text, StringComparison.Ordinal);
        var history = (await app.Factory.Services.GetRequiredService<WorkflowEngine>().GetAsync(id, Ct))!.History;
        var decision = Assert.Single(history, e => e.Channel == WorkflowChannel.Link);
        // Who decided, name and address as recorded: an address left unescaped would have been parsed as a tag.
        Assert.StartsWith($"{decision.Actor} đã ", loser.TextOf("h1 + p"), StringComparison.Ordinal);
        Assert.Equal(decision.Trigger == ReportTrigger.Approve ? ReportState.AwaitingApproval : ReportState.Returned, history[^1].To);
    }
}
