using System.Net;
using System.Text.Json;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Baocao.Tests.Review;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reliability;

/// <summary>Decisions that race each other: each race has one defined outcome, and every loser gets a clear answer.</summary>
public sealed class RaceTests(DemoApp app) : IClassFixture<DemoApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Heading(HtmlPage page) => string.Join(" | ", page.All("h1").Select(HtmlPage.Shown));

    private WorkflowEngine Engine => app.Factory.Services.GetRequiredService<WorkflowEngine>();

    private async Task OpenAsync(string id, string units, string stages)
    {
        var admin = app.Admin();
        await (await admin.PostJsonAsync("/api/catalog/periods", $$"""
            { "type": "thematic", "year": 2026, "id": "{{id}}", "name": "Chuyên đề {{id}}", "templateCode": "SK6T",
              "dataFrom": "2026-01-01", "dataTo": "2026-10-31", "deadline": "2026-12-15T17:00", "scope": { "units": [ {{units}} ] }, "stages": [ {{stages}} ] }
            """)).ReadAsAsync<JsonElement>();
        (await admin.PostAsync($"/api/catalog/periods/{id}/open", null, Ct)).EnsureSuccessStatusCode();
        await app.ReportsStartedAsync(id);
    }

    [Fact]
    public async Task A_hundred_approvals_and_returns_through_ten_reviewers_links_make_one_decision_and_ninety_nine_clear_pages()
    {
        var reviewers = Enumerable.Range(1, 10).Select(i => $"chuyenvien{i}@anhoa.example").ToList();
        await OpenAsync("CD-TRAM-QUYET-DINH", "\"HCCB\"",
            $$"""{ "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ {{string.Join(",", reviewers.Select((e, i) => $$"""{ "name": "Chuyên viên {{i + 1}}", "email": "{{e}}" }"""))}} ] }""");
        const string id = "CD-TRAM-QUYET-DINH~HCCB";
        var desk = new ReviewDesk(app);
        Assert.Equal(HttpStatusCode.Created, (await (await Submitter.ForAsync(app, "HCCB")).SubmitAsync(Submitter.Form(), "CD-TRAM-QUYET-DINH")).StatusCode);
        await desk.DeliverAsync(id);
        var clicks = new List<(HttpClient Browser, string Link, string Page, bool Approve)>();
        foreach (var (reviewer, n) in reviewers.Select((r, n) => (r, n)))
        {
            var link = ReviewDesk.LinkIn(Assert.Single(await desk.MailsToAsync(reviewer, id)));
            for (var k = 0; k < 10; k++)
            {
                var browser = desk.Browser();
                clicks.Add((browser, link, await ReviewDesk.PageAsync(browser, link), (n + k) % 2 == 0));
            }
        }

        var results = await Task.WhenAll(clicks.Select(c => c.Approve
            ? ReviewDesk.PostAsync(c.Browser, c.Link, c.Page, ("decision", "approve"))
            : ReviewDesk.PostAsync(c.Browser, c.Link, c.Page, ("decision", "return"), ("comment", "Thiếu số liệu tháng 6."))));

        Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)r.Status}: {r.Html}"));
        var history = (await Engine.GetAsync(id, Ct))!.History;
        var decision = Assert.Single(history, e => e.Channel == WorkflowChannel.Link);
        Assert.True((await Engine.VerifyHistoryAsync(id, Ct)).Intact);
        // One click decided; the other nine clicks on that same link show that decision; the ninety on the other links
        // are told the report was already decided, by whom.
        var pages = results.Select(r => (r.Status, Page: HtmlPage.Parse(r.Html))).ToList();
        var seen = string.Join("; ", pages.GroupBy(p => $"{(int)p.Status} {Heading(p.Page)}").Select(g => $"{g.Count()} × {g.Key}"));
        Assert.True(pages.Count(p => p.Status == HttpStatusCode.OK && Heading(p.Page).StartsWith("Đã ghi nhận", StringComparison.Ordinal)) == 1, seen);
        Assert.True(pages.Count(p => p.Status == HttpStatusCode.OK && Heading(p.Page).StartsWith("Anh/chị đã", StringComparison.Ordinal)) == 9, seen);
        Assert.True(pages.Count(p => p.Status == HttpStatusCode.Conflict && Heading(p.Page) == "Báo cáo đã được xử lý"
            && p.Page.TextOf("h1 + p").StartsWith($"{decision.Actor} đã ", StringComparison.Ordinal)) == 90, seen);
        foreach (var c in clicks) c.Browser.Dispose();
    }

    [Fact]
    public async Task A_resubmission_racing_the_reviewers_approval_ends_one_way_or_the_other_never_both()
    {
        await OpenAsync("CD-NOP-LAI-DUYET", "\"HLHPN\"",
            """{ "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] }""");
        const string id = "CD-NOP-LAI-DUYET~HLHPN";
        var desk = new ReviewDesk(app);
        var unit = await Submitter.ForAsync(app, "HLHPN");
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form(), "CD-NOP-LAI-DUYET")).StatusCode);
        await desk.DeliverAsync(id);
        var link = ReviewDesk.LinkIn(Assert.Single(await desk.MailsToAsync(ReviewDesk.Reviewer, id)));
        using var browser = desk.Browser();
        var page = await ReviewDesk.PageAsync(browser, link);

        var resubmit = unit.SubmitAsync(Submitter.Form(Submitter.GoodReport.Replace("126", "130", StringComparison.Ordinal)), "CD-NOP-LAI-DUYET");
        var approve = ReviewDesk.PostAsync(browser, link, page, ("decision", "approve"));
        await Task.WhenAll(resubmit, approve);

        var instance = (await Engine.GetAsync(id, Ct))!.Instance;
        if ((await resubmit).StatusCode == HttpStatusCode.Created)
        {
            // The new version came first: the approval was for version 1 and is refused; the reviewer is told it was superseded.
            Assert.Equal((ReportState.Submitted, 2), (instance.State, instance.Version));
            Assert.NotEqual(HttpStatusCode.OK, (await approve).Status);
        }
        else
        {
            // The approval came first: the unit is told, in a 409, that the report has moved on.
            await (await resubmit).ShouldBeProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal(HttpStatusCode.OK, (await approve).Status);
            Assert.Equal(1, instance.Version);
            Assert.NotEqual(ReportState.Submitted, instance.State);
        }
        Assert.True((await Engine.VerifyHistoryAsync(id, Ct)).Intact);
    }

    [Fact]
    public async Task Units_submitting_while_the_period_closes_are_either_in_with_a_version_or_out_and_marked_missed()
    {
        var units = ReliabilityScale.Units(10);
        await OpenAsync("CD-DONG-KY", string.Join(",", units.Select(u => $"\"{u}\"")),
            """{ "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] }""");
        var submitters = await Task.WhenAll(units.Select(u => Submitter.ForAsync(app, u)));

        var submissions = submitters.Select(s => s.SubmitAsync(Submitter.Form(), "CD-DONG-KY")).ToList();
        var close = app.Admin().PostAsync("/api/catalog/periods/CD-DONG-KY/close", null, Ct);
        await Task.WhenAll([.. submissions, close]);
        (await close).EnsureSuccessStatusCode();
        await app.PeriodSettledAsync("CD-DONG-KY");

        for (var i = 0; i < units.Length; i++)
        {
            var response = await submissions[i];
            var instance = (await Engine.GetAsync(WorkflowEngine.InstanceId("CD-DONG-KY", units[i]), Ct))!.Instance;
            if (response.StatusCode == HttpStatusCode.Created)
            {
                Assert.Equal((1, false), (instance.Version, instance.Missed));
            }
            else
            {
                // Refused before the close reached its report (the period is closed), or after (the close marked it missed).
                var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
                Assert.Contains(ProblemAssertions.Codes(problem).Single(), new[] { "period-closed", "already-decided" });
                Assert.Equal((0, true), (instance.Version, instance.Missed));
            }
        }
    }
}
