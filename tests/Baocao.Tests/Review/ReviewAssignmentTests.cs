using System.Net;
using System.Text.Json;
using Baocao.Catalog;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Review;

/// <summary>
/// Who a report's mail goes to: posts and the nearest one to the unit, delegation to an acting officer, reassignment by
/// an admin, and an all-of stage. Each test has its own period, so they share the demo province without meeting.
/// </summary>
public sealed class ReviewAssignmentTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string Viet = "viet.bdv@anhoa.example";
    private const string Hong = "hong.bdv@anhoa.example";
    private const string Leader = """{ "code": "PHE-DUYET", "name": "Lãnh đạo Ban phê duyệt", "assignees": [ { "name": "Trần Văn Dũng", "email": "tvdung.truongban@anhoa.example" } ] }""";

    private readonly ReviewDesk _desk = new(app);
    private readonly HttpClient _admin = app.Admin();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task PostAsync(string code, string unit, string holderName, string holderEmail, string delegations = "[]") =>
        await (await _admin.PutJsonAsync($"/api/catalog/posts/{code}", $$"""
            { "code": "{{code}}", "name": "Chuyên viên phụ trách", "unit": "{{unit}}", "holder": { "name": "{{holderName}}", "email": "{{holderEmail}}" },
              "delegations": {{delegations}} }
            """)).ReadAsAsync<Post>();

    private async Task OpenPeriodAsync(string id, string units, string firstStage)
    {
        await (await _admin.PostJsonAsync("/api/catalog/periods", $$"""
            { "type": "thematic", "year": 2026, "id": "{{id}}", "name": "Chuyên đề {{id}}", "templateCode": "SK6T",
              "dataFrom": "2026-01-01", "dataTo": "2026-10-31", "deadline": "2026-12-15T17:00", "scope": { "units": {{units}} },
              "stages": [ {{firstStage}}, {{Leader}} ] }
            """)).ReadAsAsync<JsonElement>();
        (await _admin.PostAsync($"/api/catalog/periods/{id}/open", null, Ct)).EnsureSuccessStatusCode();
        await app.ReportsStartedAsync(id);
    }

    private async Task SubmitAsync(string period, string unit)
    {
        var submitter = await Submitter.ForAsync(app, unit);
        Assert.Equal(HttpStatusCode.Created, (await submitter.SubmitAsync(Submitter.Form(), period)).StatusCode);
        await _desk.DeliverAsync($"{period}~{unit}");
    }

    private async Task<WorkflowView> ViewAsync(string instanceId) =>
        (await app.Factory.Services.GetRequiredService<WorkflowEngine>().GetAsync(instanceId, Ct))!;

    [Fact]
    public async Task A_stage_naming_posts_mails_the_holder_of_the_post_nearest_to_the_unit()
    {
        await PostAsync("CV-TONG-HOP", "BDV-TU", "Nguyễn Thị Thu Hà", ReviewDesk.Reviewer);
        await PostAsync("CV-DONGSON", "HU-DONGSON", "Phạm Quốc Việt", Viet);
        await OpenPeriodAsync("CD-GAN-NHAT", """[ "HU-DONGSON", "HND" ]""",
            """{ "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "posts": [ "CV-TONG-HOP", "CV-DONGSON" ] }""");

        await SubmitAsync("CD-GAN-NHAT", "HU-DONGSON");
        await SubmitAsync("CD-GAN-NHAT", "HND");

        // Đông Sơn has a post of its own, which takes its report from the province-wide post; the association does not.
        var dongSon = Assert.Single(await _desk.MailsToAsync(Viet, "CD-GAN-NHAT~HU-DONGSON"));
        Assert.Empty(await _desk.MailsToAsync(ReviewDesk.Reviewer, "CD-GAN-NHAT~HU-DONGSON"));
        Assert.Single(await _desk.MailsToAsync(ReviewDesk.Reviewer, "CD-GAN-NHAT~HND"));
        Assert.Empty(await _desk.MailsToAsync(Viet, "CD-GAN-NHAT~HND"));

        var (status, _) = await _desk.DecideAsync(ReviewDesk.LinkIn(dongSon), ("decision", "approve"));
        Assert.Equal(HttpStatusCode.OK, status);
        var view = await ViewAsync("CD-GAN-NHAT~HU-DONGSON");
        Assert.Equal(ReportState.AwaitingApproval, view.Instance.State);
        Assert.Equal("Phạm Quốc Việt <viet.bdv@anhoa.example>", view.History[^1].Actor);
    }

    [Fact]
    public async Task On_the_flat_part_of_the_tree_a_blocks_officer_takes_the_blocks_reports_from_the_province_wide_post()
    {
        await PostAsync("CV-TONG-HOP-KHOI", "BDV-TU", "Nguyễn Thị Thu Hà", ReviewDesk.Reviewer);
        await (await _admin.PutJsonAsync("/api/catalog/posts/CV-KHOI-MTDT", $$"""
            { "code": "CV-KHOI-MTDT", "name": "Chuyên viên phụ trách khối Mặt trận và các đoàn thể", "unit": "BDV-TU",
              "holder": { "name": "Phạm Quốc Việt", "email": "{{Viet}}" },
              "block": { "name": "Khối Mặt trận và các đoàn thể", "units": [ "MTTQ", "HND", "HCCB", "TINHDOAN", "LDLD" ] } }
            """)).ReadAsAsync<Post>();
        await OpenPeriodAsync("CD-THEO-KHOI", """[ "HND", "HU-DONGSON" ]""",
            """{ "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "posts": [ "CV-TONG-HOP-KHOI", "CV-KHOI-MTDT" ] }""");

        await SubmitAsync("CD-THEO-KHOI", "HND");
        await SubmitAsync("CD-THEO-KHOI", "HU-DONGSON");

        // The farmers' association sits directly under the province, as every commune of a post-2025 province does:
        // its block's officer takes it; the district outside every block stays with the province-wide post.
        var block = Assert.Single(await _desk.MailsToAsync(Viet, "CD-THEO-KHOI~HND"));
        Assert.Empty(await _desk.MailsToAsync(ReviewDesk.Reviewer, "CD-THEO-KHOI~HND"));
        Assert.Single(await _desk.MailsToAsync(ReviewDesk.Reviewer, "CD-THEO-KHOI~HU-DONGSON"));
        Assert.Empty(await _desk.MailsToAsync(Viet, "CD-THEO-KHOI~HU-DONGSON"));
        var (status, _) = await _desk.DecideAsync(ReviewDesk.LinkIn(block), ("decision", "approve"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Phạm Quốc Việt <viet.bdv@anhoa.example>", (await ViewAsync("CD-THEO-KHOI~HND")).History[^1].Actor);
    }

    [Fact]
    public async Task During_a_delegation_mail_goes_to_the_acting_officer_who_decides_on_the_holders_behalf_and_the_holders_earlier_link_still_works()
    {
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(7)).DateTime);
        await PostAsync("CV-UY-QUYEN", "BDV-TU", "Nguyễn Thị Thu Hà", ReviewDesk.Reviewer, $$"""
            [ { "acting": { "name": "Lê Thị Hồng", "email": "{{Hong}}" }, "from": "{{today.AddDays(1):yyyy-MM-dd}}", "to": "{{today.AddDays(2):yyyy-MM-dd}}" } ]
            """);
        await OpenPeriodAsync("CD-UY-QUYEN", """[ "HU-KIMTHANH", "HU-PHULOC", "HU-DONGSON" ]""",
            """{ "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "posts": [ "CV-UY-QUYEN" ] }""");

        // Before the delegation: the holder gets the mail.
        await SubmitAsync("CD-UY-QUYEN", "HU-KIMTHANH");
        var holderLink = ReviewDesk.LinkIn(Assert.Single(await _desk.MailsToAsync(ReviewDesk.Reviewer, "CD-UY-QUYEN~HU-KIMTHANH")));

        // On its first day (a day in Hà Nội): the acting officer gets it, named as acting for the holder.
        app.Clock.Advance(TimeSpan.FromDays(1));
        await SubmitAsync("CD-UY-QUYEN", "HU-PHULOC");
        Assert.Empty(await _desk.MailsToAsync(ReviewDesk.Reviewer, "CD-UY-QUYEN~HU-PHULOC"));
        var acting = Assert.Single(await _desk.MailsToAsync(Hong, "CD-UY-QUYEN~HU-PHULOC"));
        Assert.Contains("Kính gửi Lê Thị Hồng (thay mặt Nguyễn Thị Thu Hà, theo ủy quyền)", acting.Text, StringComparison.Ordinal);

        using var browser = _desk.Browser();
        var page = await ReviewDesk.PageAsync(browser, ReviewDesk.LinkIn(acting));
        // The line above the heading names the stage and who decides it.
        Assert.Contains("Lê Thị Hồng (thay mặt Nguyễn Thị Thu Hà, theo ủy quyền)", HtmlPage.Parse(page).TextOf("main > p:first-child"), StringComparison.Ordinal);
        var (status, _) = await ReviewDesk.PostAsync(browser, ReviewDesk.LinkIn(acting), page, ("decision", "approve"));
        Assert.Equal(HttpStatusCode.OK, status);
        var decided = (await ViewAsync("CD-UY-QUYEN~HU-PHULOC")).History[^1];
        Assert.Equal((ReportTrigger.Approve, "Lê Thị Hồng <hong.bdv@anhoa.example> (thay mặt Nguyễn Thị Thu Hà <thuha.bdv@anhoa.example>)"),
            (decided.Trigger, decided.Actor));

        // The holder's link from before the delegation still decides, as the holder.
        var holderPage = await ReviewDesk.PageAsync(browser, holderLink);
        Assert.DoesNotContain("thay mặt", HtmlPage.Parse(holderPage).TextOf("main > p:first-child"), StringComparison.Ordinal);
        (status, _) = await ReviewDesk.PostAsync(browser, holderLink, holderPage, ("decision", "approve"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Nguyễn Thị Thu Hà <thuha.bdv@anhoa.example>", (await ViewAsync("CD-UY-QUYEN~HU-KIMTHANH")).History[^1].Actor);

        // The day after its last day: the holder again.
        app.Clock.Advance(TimeSpan.FromDays(2));
        await SubmitAsync("CD-UY-QUYEN", "HU-DONGSON");
        Assert.Single(await _desk.MailsToAsync(ReviewDesk.Reviewer, "CD-UY-QUYEN~HU-DONGSON"));
        Assert.Empty(await _desk.MailsToAsync(Hong, "CD-UY-QUYEN~HU-DONGSON"));
    }

    [Fact]
    public async Task An_admin_reassigns_the_current_stage_the_old_link_no_longer_decides_and_the_new_person_gets_a_fresh_mail()
    {
        await OpenPeriodAsync("CD-GIAO-LAI", """[ "TXU-BINHMINH", "TPU-ANHOA" ]""",
            """{ "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] }""");
        await SubmitAsync("CD-GIAO-LAI", "TXU-BINHMINH");
        const string id = "CD-GIAO-LAI~TXU-BINHMINH";
        var oldLink = ReviewDesk.LinkIn(Assert.Single(await _desk.MailsToAsync(ReviewDesk.Reviewer, id)));
        const string toViet = """{ "to": { "name": "Phạm Quốc Việt", "email": "Viet.BDV@anhoa.example" }, "reason": "Chị Hà đi học dài hạn." }""";

        await (await _admin.PostJsonAsync($"/api/instances/{id}/reassign", toViet)).ReadAsAsync<WorkflowInstance>();
        await _desk.DeliverAsync(id);

        using var browser = _desk.Browser();
        var gone = await ReviewDesk.PageAsync(browser, oldLink, HttpStatusCode.Forbidden);
        Assert.Equal("Anh/chị không còn được giao bước này", HtmlPage.Parse(gone).TextOf("h1"));
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync(oldLink, new FormUrlEncodedContent([new("decision", "approve")]), Ct)).StatusCode);

        var fresh = Assert.Single(await _desk.MailsToAsync(Viet, id));
        Assert.Contains("Kính gửi Phạm Quốc Việt,", fresh.Text, StringComparison.Ordinal);
        var (status, done) = await _desk.DecideAsync(ReviewDesk.LinkIn(fresh), ("decision", "approve"));
        Assert.Equal(HttpStatusCode.OK, status);
        // The outcome's last line says what happens next.
        Assert.Contains("Trần Văn Dũng đã được gửi thư", HtmlPage.Parse(done).TextOf("li:last-child"), StringComparison.Ordinal);

        var history = (await ViewAsync(id)).History;
        var note = Assert.Single(history, e => e.Trigger == ReportTrigger.Note);
        Assert.Equal((WorkflowChannel.Admin, "quản trị viên"), (note.Channel, note.Actor));
        Assert.Equal("Giao bước «Chuyên viên thẩm định» cho Phạm Quốc Việt <viet.bdv@anhoa.example> thay thuha.bdv@anhoa.example. Lý do: Chị Hà đi học dài hạn.", note.Comment);
        Assert.Equal(("Phạm Quốc Việt <viet.bdv@anhoa.example>", ReportState.AwaitingApproval), (history[^1].Actor, history[^1].To));
        // History keeps who the stage moved to, and whose decision the approval was, as typed facts of the stage.
        Assert.Equal(new StageFact("THAM-DINH", Reassigned: new Reassignment(null, new Contact("Phạm Quốc Việt", "viet.bdv@anhoa.example"))), note.InStage);
        Assert.Equal(new StageFact("THAM-DINH", Decider: new Reviewer(new Contact("Phạm Quốc Việt", "viet.bdv@anhoa.example"))), history[^1].InStage);
    }

    [Fact]
    public async Task Bad_reassignments_are_refused_with_problem_details_and_write_nothing()
    {
        await OpenPeriodAsync("CD-GIAO-SAI", """[ "DUQS", "DUCA" ]""",
            """{ "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] }""");
        await SubmitAsync("CD-GIAO-SAI", "DUQS");
        const string url = "/api/instances/CD-GIAO-SAI~DUQS/reassign";
        var before = await app.SnapshotAsync();

        var bad = new (string Url, string Body, HttpStatusCode Status, string? Code)[]
        {
            (url, """{ "to": { "name": "Phạm Quốc Việt", "email": "viet.bdv@anhoa.example" } }""", HttpStatusCode.UnprocessableEntity, "reason-required"),
            (url, """{ "reason": "Nghỉ phép." }""", HttpStatusCode.UnprocessableEntity, "to-required"),
            (url, """{ "to": { "name": "Phạm Quốc Việt", "email": "viet" }, "reason": "Nghỉ phép." }""", HttpStatusCode.UnprocessableEntity, "invalid-email"),
            (url, """{ "to": { "name": "Việt <x>", "email": "viet.bdv@anhoa.example" }, "reason": "Nghỉ phép." }""", HttpStatusCode.UnprocessableEntity, "invalid-name"),
            (url, """{ "to": { "name": "Phạm Quốc Việt", "email": "viet.bdv@anhoa.example" }, "from": "ai.do@anhoa.example", "reason": "Nghỉ phép." }""",
                HttpStatusCode.UnprocessableEntity, "not-assigned"),
            (url, """{ "to": { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" }, "reason": "Nghỉ phép." }""", HttpStatusCode.Conflict, "already-assigned"),
            (url, """{ "to": { "name": "Phạm Quốc Việt", "email": "viet.bdv@anhoa.example" }, "reason": "Nghỉ phép.", "extra": 1 }""", HttpStatusCode.BadRequest, null),
            ("/api/instances/CD-GIAO-SAI~DUCA/reassign", """{ "to": { "name": "Phạm Quốc Việt", "email": "viet.bdv@anhoa.example" }, "reason": "Nghỉ phép." }""",
                HttpStatusCode.Conflict, "not-in-review"),
            ("/api/instances/CD-GIAO-SAI~KHONG-CO/reassign", """{ "to": { "name": "Phạm Quốc Việt", "email": "viet.bdv@anhoa.example" }, "reason": "Nghỉ phép." }""",
                HttpStatusCode.NotFound, null),
        };
        foreach (var (target, body, status, code) in bad)
        {
            await (await _admin.PostJsonAsync(target, body)).ShouldBeProblemAsync(status, code);
        }
        await (await app.Anonymous().PostJsonAsync(url, """{ "to": { "name": "Phạm Quốc Việt", "email": "viet.bdv@anhoa.example" }, "reason": "Nghỉ phép." }"""))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task In_an_all_of_stage_every_assignee_approves_before_the_report_moves_and_a_return_by_any_one_returns_it()
    {
        await OpenPeriodAsync("CD-TAT-CA", """[ "HLHPN", "HCCB" ]""", """
            { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "mode": "allOf", "assignees": [
              { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" }, { "name": "Phạm Quốc Việt", "email": "viet.bdv@anhoa.example" } ] }
            """);

        // Both approve: the first is a note that waits for the other; the last moves the report and mails the leader.
        await SubmitAsync("CD-TAT-CA", "HLHPN");
        const string approved = "CD-TAT-CA~HLHPN";
        var (status, first) = await _desk.DecideAsync(ReviewDesk.LinkIn(Assert.Single(await _desk.MailsToAsync(ReviewDesk.Reviewer, approved))), ("decision", "approve"));
        Assert.Equal(HttpStatusCode.OK, status);
        // The outcome's last line says what happens next: here, who the stage still waits for.
        Assert.Contains("còn chờ: Phạm Quốc Việt", HtmlPage.Parse(first).TextOf("li:last-child"), StringComparison.Ordinal);
        Assert.Equal(ReportState.Submitted, (await ViewAsync(approved)).Instance.State);
        await _desk.DeliverAsync(approved);
        Assert.Empty(await _desk.MailsToAsync(ReviewDesk.Leader, approved));

        (status, var last) = await _desk.DecideAsync(ReviewDesk.LinkIn(Assert.Single(await _desk.MailsToAsync(Viet, approved))), ("decision", "approve"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Lãnh đạo Ban phê duyệt", HtmlPage.Parse(last).TextOf("li:last-child"), StringComparison.Ordinal);
        Assert.Equal(ReportState.AwaitingApproval, (await ViewAsync(approved)).Instance.State);
        await _desk.DeliverAsync(approved);
        Assert.Single(await _desk.MailsToAsync(ReviewDesk.Leader, approved));

        // One approves, the other returns: the report goes back, and the first link shows the approval it gave.
        await SubmitAsync("CD-TAT-CA", "HCCB");
        const string returned = "CD-TAT-CA~HCCB";
        var haLink = ReviewDesk.LinkIn(Assert.Single(await _desk.MailsToAsync(ReviewDesk.Reviewer, returned)));
        Assert.Equal(HttpStatusCode.OK, (await _desk.DecideAsync(haLink, ("decision", "approve"))).Status);
        (status, var back) = await _desk.DecideAsync(ReviewDesk.LinkIn(Assert.Single(await _desk.MailsToAsync(Viet, returned))),
            ("decision", "return"), ("comment", "Thiếu số liệu khen thưởng."));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Đã ghi nhận: trả lại", HtmlPage.Parse(back).TextOf("h1"));
        var view = await ViewAsync(returned);
        Assert.Equal(ReportState.Returned, view.Instance.State);
        Assert.Equal([ReportTrigger.Submit, ReportTrigger.Note, ReportTrigger.Return], view.History.Select(e => e.Trigger));
        using var browser = _desk.Browser();
        var haPage = await ReviewDesk.PageAsync(browser, haLink);
        // Both decisions carry the same instant (the clock stands still): the page must still show her own.
        Assert.Equal("Anh/chị đã đồng ý báo cáo này", HtmlPage.Parse(haPage).TextOf("h1"));
        await _desk.DeliverAsync(returned);
        Assert.Empty(await _desk.MailsToAsync(ReviewDesk.Leader, returned));
    }
}
