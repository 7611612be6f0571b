using System.Net;
using System.Text.Json;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Review;

/// <summary>
/// A period's review stages are a list: each stage decides in turn, by mail link, and the last one approves. Each test
/// opens a thematic period of its own with three stages, so they share the demo province without meeting.
/// </summary>
public sealed class StageChainTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string Deputy = "ntlan.phoban@anhoa.example";
    private const string Officer = "pau.nongdan@anhoa.example";

    private readonly ReviewDesk _desk = new(app);
    private readonly HttpClient _admin = app.Admin();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Stages(int count) => string.Join(", ", new[]
    {
        $$"""{ "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "{{ReviewDesk.Reviewer}}" } ] }""",
        $$"""{ "code": "PHO-BAN", "name": "Phó Trưởng ban xem xét", "assignees": [ { "name": "Nguyễn Thị Lan", "email": "{{Deputy}}" } ] }""",
        $$"""{ "code": "PHE-DUYET", "name": "Trưởng ban phê duyệt", "assignees": [ { "name": "Trần Văn Dũng", "email": "{{ReviewDesk.Leader}}" } ] }""",
    }.Concat(Enumerable.Range(4, Math.Max(0, count - 3)).Select(n =>
        $$"""{ "code": "BUOC-{{n}}", "name": "Bước {{n}}", "assignees": [ { "name": "Người duyệt {{n}}", "email": "buoc{{n}}@anhoa.example" } ] }"""))
        .Take(count));

    private static string Draft(string id, string stages) => $$"""
        { "type": "thematic", "year": 2026, "id": "{{id}}", "name": "Chuyên đề {{id}}", "templateCode": "SK6T",
          "dataFrom": "2026-01-01", "dataTo": "2026-10-31", "deadline": "2026-12-15T17:00", "scope": { "units": [ "HND" ] },
          "stages": [ {{stages}} ] }
        """;

    /// <summary>Plans and opens a three-stage period for the farmers' association and has it submit once.</summary>
    private async Task<string> SubmittedAsync(string periodId)
    {
        (await _admin.PostJsonAsync("/api/catalog/periods", Draft(periodId, Stages(3)))).EnsureSuccessStatusCode();
        return await OpenAndSubmitAsync(periodId);
    }

    private async Task<string> OpenAndSubmitAsync(string periodId)
    {
        (await _admin.PostAsync($"/api/catalog/periods/{periodId}/open", null, Ct)).EnsureSuccessStatusCode();
        await app.ReportsStartedAsync(periodId);
        var unit = await Submitter.ForAsync(app, "HND");
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form(), periodId)).StatusCode);
        var id = $"{periodId}~HND";
        await _desk.DeliverAsync(id);
        return id;
    }

    private async Task<WorkflowInstance> InstanceAsync(string id) =>
        (await app.Factory.Services.GetRequiredService<WorkflowEngine>().GetAsync(id, Ct))!.Instance;

    private async Task<string> ApproveByMailAsync(string email, string id)
    {
        var (status, done) = await _desk.DecideAsync(ReviewDesk.LinkIn(Assert.Single((await _desk.MailsToAsync(email, id)))), ("decision", "approve"));
        Assert.Equal(HttpStatusCode.OK, status);
        await _desk.DeliverAsync(id);
        return done;
    }

    /// <summary>Who the province's dashboard says holds the unit's report now.</summary>
    private async Task<string> HolderOnDashboardAsync(string periodId)
    {
        using var staff = await Staff.SignedInAsync(app);
        var page = HtmlPage.Parse(await staff.GetStringAsync($"/api/dashboard/{periodId}", Ct));
        return HtmlPage.Shown(HtmlPage.Cell(page.RowOf("HND"), "Đang xử lý"));
    }

    [Fact]
    public async Task Three_stages_decide_in_turn_each_mailed_only_when_its_turn_comes_and_the_last_approval_sends_the_receipt()
    {
        var id = await SubmittedAsync("CD-BA-BUOC");
        Assert.Empty((await _desk.MailsToAsync(Deputy, id)));

        // The outcome's last line says what happens next.
        var done = await ApproveByMailAsync(ReviewDesk.Reviewer, id);
        Assert.Equal("Báo cáo được chuyển sang bước «Phó Trưởng ban xem xét»; Nguyễn Thị Lan đã được gửi thư để xem xét.", HtmlPage.Parse(done).TextOf("li:last-child"));
        Assert.Equal((ReportState.InReview, 1), ((await InstanceAsync(id)).State, (await InstanceAsync(id)).Stage));
        Assert.StartsWith("Phó Trưởng ban xem xét", await HolderOnDashboardAsync("CD-BA-BUOC"), StringComparison.Ordinal);
        Assert.Empty((await _desk.MailsToAsync(ReviewDesk.Leader, id)));

        done = await ApproveByMailAsync(Deputy, id);
        Assert.Equal("Báo cáo được chuyển sang bước «Trưởng ban phê duyệt»; Trần Văn Dũng đã được gửi thư để phê duyệt.", HtmlPage.Parse(done).TextOf("li:last-child"));
        Assert.Equal((ReportState.AwaitingApproval, 2), ((await InstanceAsync(id)).State, (await InstanceAsync(id)).Stage));
        Assert.StartsWith("Trưởng ban phê duyệt", await HolderOnDashboardAsync("CD-BA-BUOC"), StringComparison.Ordinal);

        done = await ApproveByMailAsync(ReviewDesk.Leader, id);
        Assert.Contains("đã được phê duyệt", HtmlPage.Parse(done).TextOf("li:last-child"), StringComparison.Ordinal);
        Assert.Equal(ReportState.Approved, (await InstanceAsync(id)).State);
        Assert.Single((await _desk.MailsToAsync(Officer, id)), m => m.Subject.StartsWith("[Baocao] Báo cáo đã được phê duyệt", StringComparison.Ordinal));
        var approvals = (await app.Factory.Services.GetRequiredService<WorkflowEngine>().GetAsync(id, Ct))!.History
            .Where(e => e.Trigger == ReportTrigger.Approve).Select(e => e.Actor.Split(" <")[0]);
        Assert.Equal(["Nguyễn Thị Thu Hà", "Nguyễn Thị Lan", "Trần Văn Dũng"], approvals);
    }

    [Fact]
    public async Task In_a_middle_stage_of_two_people_the_second_ones_link_no_longer_decides_once_the_first_handed_the_report_on()
    {
        const string periodId = "CD-BON-BUOC";
        const string other = "viet.bdv@anhoa.example";
        var stages = JsonSerializer.Deserialize<List<JsonElement>>($"[{Stages(4)}]")!.Select(s => s.GetRawText()).ToList();
        stages[1] = $$"""
            { "code": "PHO-BAN", "name": "Phó Trưởng ban xem xét", "mode": "anyOf", "assignees": [
              { "name": "Nguyễn Thị Lan", "email": "{{Deputy}}" }, { "name": "Phạm Quốc Việt", "email": "{{other}}" } ] }
            """;
        (await _admin.PostJsonAsync("/api/catalog/periods", Draft(periodId, string.Join(", ", stages)))).EnsureSuccessStatusCode();
        var id = await OpenAndSubmitAsync(periodId);
        await ApproveByMailAsync(ReviewDesk.Reviewer, id);
        var otherLink = ReviewDesk.LinkIn(Assert.Single((await _desk.MailsToAsync(other, id))));
        using var browser = _desk.Browser();
        var otherPage = await ReviewDesk.PageAsync(browser, otherLink);

        await ApproveByMailAsync(Deputy, id);
        var (status, html) = await ReviewDesk.PostAsync(browser, otherLink, otherPage, ("decision", "return"), ("comment", "Bổ sung số liệu."));

        // The report is still in review, one stage further: the stale page's decision is not recorded.
        Assert.Equal(HttpStatusCode.Conflict, status);
        // The outcome's first line says what became of the click.
        Assert.Contains("không được ghi nhận", HtmlPage.Parse(html).TextOf("li:first-child"), StringComparison.Ordinal);
        Assert.Equal((ReportState.InReview, 2), ((await InstanceAsync(id)).State, (await InstanceAsync(id)).Stage));
        Assert.Single((await _desk.MailsToAsync(ReviewDesk.Leader, id)));
        Assert.Empty((await _desk.MailsToAsync("buoc4@anhoa.example", id)));
    }

    [Fact]
    public async Task A_return_at_a_later_stage_sends_the_new_version_back_to_the_first_stage()
    {
        var id = await SubmittedAsync("CD-BA-BUOC-TRA");
        await ApproveByMailAsync(ReviewDesk.Reviewer, id);
        var (status, _) = await _desk.DecideAsync(ReviewDesk.LinkIn(Assert.Single((await _desk.MailsToAsync(Deputy, id)))),
            ("decision", "return"), ("comment", "Đề nghị bổ sung số liệu quý III."));
        Assert.Equal(HttpStatusCode.OK, status);
        await _desk.DeliverAsync(id);
        Assert.Equal((ReportState.Returned, 0), ((await InstanceAsync(id)).State, (await InstanceAsync(id)).Stage));

        var unit = await Submitter.ForAsync(app, "HND");
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form(), "CD-BA-BUOC-TRA")).StatusCode);
        await _desk.DeliverAsync(id);

        Assert.Equal(2, (await _desk.MailsToAsync(ReviewDesk.Reviewer, id)).Count);
        Assert.Single((await _desk.MailsToAsync(Deputy, id)));
        Assert.Equal((ReportState.Submitted, 0, 2), ((await InstanceAsync(id)).State, (await InstanceAsync(id)).Stage, (await InstanceAsync(id)).Version));
    }

    [Fact]
    public async Task A_period_takes_up_to_ten_stages_and_refuses_more_writing_nothing()
    {
        var ten = await _admin.PostJsonAsync("/api/catalog/periods", Draft("CD-MUOI-BUOC", Stages(10)));
        Assert.Equal(HttpStatusCode.Created, ten.StatusCode);
        Assert.Equal(10, (await ten.ReadAsAsync<JsonElement>()).GetProperty("stages").GetArrayLength());
        var before = await app.SnapshotAsync();

        var response = await _admin.PostJsonAsync("/api/catalog/periods", Draft("CD-MUOI-MOT-BUOC", Stages(11)));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "too-many-stages");
        Assert.Equal("/stages", problem.Error("too-many-stages").GetProperty("pointer").GetString());
        Assert.Contains("tối đa 10 bước duyệt", problem.Error("too-many-stages").GetProperty("detail").GetString(), StringComparison.Ordinal);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Theory]
    [InlineData(ReportState.Submitted, 2, ReportState.InReview)]
    [InlineData(ReportState.InReview, 2, ReportState.InReview)]
    [InlineData(ReportState.Submitted, 1, ReportState.AwaitingApproval)]
    [InlineData(ReportState.InReview, 1, ReportState.AwaitingApproval)]
    [InlineData(ReportState.AwaitingApproval, 0, ReportState.Approved)]
    public void An_approval_keeps_the_report_in_review_while_more_than_one_stage_is_ahead(ReportState from, int laterStages, ReportState to) =>
        Assert.Equal(to, WorkflowDefinition.Decide(from, new Proposal(ReportTrigger.Approve, WorkflowChannel.Link, null, null, LaterStages: laterStages)).To);
}
