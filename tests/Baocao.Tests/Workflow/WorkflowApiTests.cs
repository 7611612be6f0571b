using System.Net;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

public sealed class WorkflowApiTests(TestApp app) : IClassFixture<TestApp>
{
    private readonly WorkflowEngine _engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();
    private readonly HttpClient _admin = app.Admin();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> ApprovedAsync(string unit)
    {
        var id = (await _engine.StartAsync("2026-Q4", unit, Ct)).Id;
        foreach (var trigger in new[] { ReportTrigger.Submit, ReportTrigger.Claim, ReportTrigger.Approve, ReportTrigger.Approve })
        {
            Assert.IsType<FireResult.Applied>(await _engine.FireAsync(id, new Firing(trigger, "cv.lan", WorkflowChannel.Link), await app.DurableClientAsync(), Ct));
        }
        return id;
    }

    [Fact]
    public async Task An_admin_reads_an_instance_with_its_history()
    {
        var id = await ApprovedAsync("HND");

        var view = await (await _admin.GetAsync($"/api/instances/{id}", Ct)).ReadAsAsync<InstanceDetail>();

        Assert.Equal(ReportState.Approved, view.Instance.State);
        Assert.Equal(4, view.History.Count);
        Assert.Empty(view.Timers);
        await (await _admin.GetAsync("/api/instances/2026-Q4~KHONG", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await app.Anonymous().GetAsync($"/api/instances/{id}", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_admin_reads_the_timers_a_report_still_holds_and_what_its_orchestration_waits_for()
    {
        var deadline = HistoryChain.Storable(app.Clock.GetUtcNow().AddDays(5));
        var id = await app.StartReportAsync("2026-M09", "DTN", DeadlineTimer.For(deadline));

        InstanceDetail? view = null;
        await Eventually.UntilAsync(async () => (view = await (await _admin.GetAsync($"/api/instances/{id}", Ct)).ReadAsAsync<InstanceDetail>())
            .Orchestration?.WaitsFor is not null, "the report's orchestration to wait for its deadline");

        Assert.Equal([new PendingTimer(DeadlineTimer.Name, DeadlineTimer.Name, deadline)], view!.Timers);
        Assert.Equal(("Running", DeadlineTimer.Name, deadline), (view.Orchestration!.Status, view.Orchestration.WaitsFor, view.Orchestration.Until));
        Assert.Equal(app.Clock.GetUtcNow(), view.Orchestration.LookedAt);

        // Exempted, the report finishes: its timer goes with the decision and its orchestration ends.
        (await _admin.PostJsonAsync($"/api/instances/{id}/raise-event", """{ "event": "exempt", "reason": "Đơn vị sáp nhập." }""")).EnsureSuccessStatusCode();
        await app.DeliverOutboxAsync();
        await app.OrchestrationEndedAsync(id);
        view = await (await _admin.GetAsync($"/api/instances/{id}", Ct)).ReadAsAsync<InstanceDetail>();
        Assert.Empty(view.Timers);
        Assert.Equal(("Completed", null), (view.Orchestration!.Status, view.Orchestration.WaitsFor));
    }

    [Fact]
    public async Task Reopening_returns_an_approved_report_once_and_then_names_who_reopened_it()
    {
        var id = await ApprovedAsync("HCCB");
        await (await _admin.PostJsonAsync($"/api/instances/{id}/reopen", """{ "reason": " " }""")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "reason-required");

        var reopened = await (await _admin.PostJsonAsync($"/api/instances/{id}/reopen", """{ "reason": "Sai số liệu mục 3." }""")).ReadAsAsync<WorkflowInstance>();
        Assert.Equal(ReportState.Returned, reopened.State);

        var again = await (await _admin.PostJsonAsync($"/api/instances/{id}/reopen", """{ "reason": "Sai số liệu mục 3." }"""))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "already-decided");
        Assert.Equal(WorkflowApi.AdminActor, again.GetProperty("decidedBy").GetProperty("actor").GetString());
        Assert.Equal("reopen", again.GetProperty("decidedBy").GetProperty("trigger").GetString());
    }

    [Fact]
    public async Task An_admin_lists_a_periods_instances_by_state_unit_and_overdue()
    {
        var approved = await ApprovedAsync("HLHPN");
        await _engine.StartAsync("2026-Q4", "MTTQ", Ct);

        var all = await (await _admin.GetAsync("/api/instances?periodId=2026-q4", Ct)).ReadAsAsync<List<WorkflowInstance>>();
        var done = await (await _admin.GetAsync("/api/instances?periodId=2026-Q4&state=approved", Ct)).ReadAsAsync<List<WorkflowInstance>>();
        var one = await (await _admin.GetAsync("/api/instances?periodId=2026-Q4&unit=mttq&overdue=false", Ct)).ReadAsAsync<List<WorkflowInstance>>();

        Assert.Contains(all, i => i.Id == approved);
        Assert.All(all, i => Assert.Equal("2026-Q4", i.PeriodId));
        Assert.All(done, i => Assert.Equal(ReportState.Approved, i.State));
        Assert.Contains(done, i => i.Id == approved);
        Assert.Equal("2026-Q4~MTTQ", Assert.Single(one).Id);
    }

    [Theory]
    [InlineData("/api/instances", "period-required")]
    [InlineData("/api/instances?periodId=2026-Q4&state=Lost", "invalid-state")]
    [InlineData("/api/instances?periodId=2026-Q4&state=3", "invalid-state")]
    public async Task Listing_without_a_period_or_with_an_unknown_state_is_refused(string url, string code)
    {
        await (await _admin.GetAsync(url, Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, code);
    }

    [Fact]
    public async Task An_admin_raises_a_note_and_an_exemption_each_landing_in_history_with_its_reason()
    {
        var id = (await _engine.StartAsync("2026-Q4", "DTN", Ct)).Id;

        var noted = await (await _admin.PostJsonAsync($"/api/instances/{id}/raise-event", """{ "event": "note", "reason": "Đã gọi điện nhắc văn phòng huyện." }"""))
            .ReadAsAsync<WorkflowInstance>();
        var exempted = await (await _admin.PostJsonAsync($"/api/instances/{id}/raise-event",
            """{ "event": "Exempt", "reason": "Đơn vị sáp nhập từ 01/7/2025.", "reasonCode": "merged" }""")).ReadAsAsync<WorkflowInstance>();

        Assert.Equal(ReportState.NotStarted, noted.State);
        Assert.Equal(ReportState.Exempted, exempted.State);
        var history = (await _engine.GetAsync(id, Ct))!.History;
        Assert.Equal(
            [(ReportTrigger.Note, "Đã gọi điện nhắc văn phòng huyện.", (string?)null), (ReportTrigger.Exempt, "Đơn vị sáp nhập từ 01/7/2025.", "merged")],
            history.Select(e => (e.Trigger, e.Comment!, e.ReasonCode)));
        Assert.All(history, e => Assert.Equal((WorkflowApi.AdminActor, WorkflowChannel.Admin), (e.Actor, e.Channel)));
        Assert.True((await _engine.VerifyHistoryAsync(id, Ct)).Intact);
    }

    [Theory]
    [InlineData("""{ "event": "approve", "reason": "Duyệt thay." }""", "event-not-accepted")]
    [InlineData("""{ "event": "submit", "reason": "Nộp thay." }""", "event-not-accepted")]
    [InlineData("""{ "event": "reopen", "reason": "Mở lại." }""", "event-not-accepted")]
    [InlineData("""{ "event": "1", "reason": "Số." }""", "event-not-accepted")]
    [InlineData("""{ "event": "Hop", "reason": "Không có." }""", "event-not-accepted")]
    [InlineData("""{ "reason": "Không nêu sự kiện." }""", "event-required")]
    [InlineData("""{ "event": "note" }""", "reason-required")]
    [InlineData("""{ "event": "note", "reason": "  " }""", "reason-required")]
    public async Task Raising_an_event_admins_may_not_raise_or_without_a_reason_is_refused_and_writes_nothing(string body, string code)
    {
        var id = (await _engine.StartAsync("2026-Q4", "HTN", Ct)).Id;
        var before = await app.SnapshotAsync();

        await (await _admin.PostJsonAsync($"/api/instances/{id}/raise-event", body)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, code);

        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Raising_an_event_on_an_unknown_instance_or_one_the_state_refuses_writes_nothing()
    {
        var approved = await ApprovedAsync("HCB");
        var before = await app.SnapshotAsync();

        await (await _admin.PostJsonAsync("/api/instances/2026-Q4~KHONG/raise-event", """{ "event": "note", "reason": "Ghi chú." }"""))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        var refused = await (await _admin.PostJsonAsync($"/api/instances/{approved}/raise-event", """{ "event": "exempt", "reason": "Miễn." }"""))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "not-permitted");
        Assert.Contains("đã duyệt", refused.GetProperty("detail").GetString());
        await (await app.Anonymous().PostJsonAsync($"/api/instances/{approved}/raise-event", """{ "event": "note", "reason": "Ghi chú." }"""))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Terminating_stops_the_report_cancels_its_timers_and_records_why()
    {
        var deadline = DeadlineTimer.For(app.Clock.GetUtcNow().AddDays(3));
        var id = (await _engine.StartAsync("2026-Q4", "BDV-TU", Ct, [deadline])).Id;
        Assert.IsType<FireResult.Applied>(await _engine.FireAsync(id, new Firing(ReportTrigger.Submit, "vp.bdv", WorkflowChannel.Api), await app.DurableClientAsync(), Ct));

        var stopped = await (await _admin.PostJsonAsync($"/api/instances/{id}/terminate", """{ "reason": "Tạo nhầm kỳ báo cáo cho đơn vị này." }"""))
            .ReadAsAsync<WorkflowInstance>();

        Assert.Equal(ReportState.Terminated, stopped.State);
        var last = (await _engine.GetAsync(id, Ct))!.History[^1];
        Assert.Equal((ReportTrigger.Terminate, ReportState.Submitted, ReportState.Terminated, WorkflowApi.AdminActor, "Tạo nhầm kỳ báo cáo cho đơn vị này."),
            (last.Trigger, last.From, last.To, last.Actor, last.Comment));
        Assert.Empty(await app.Factory.Services.GetRequiredService<WorkflowStore>().TimersAsync(id, Ct));
        // The deadline's time passes without effect: the terminated report has no timer left.
        app.Clock.Advance(TimeSpan.FromDays(3));
        await app.ReportsCaughtUpAsync();
        Assert.Equal(ReportState.Terminated, (await _engine.GetAsync(id, Ct))!.Instance.State);
        var refused = await (await _admin.PostJsonAsync($"/api/instances/{id}/raise-event", """{ "event": "return", "reason": "Trả lại." }"""))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "not-permitted");
        Assert.Contains("đã dừng", refused.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Terminating_without_a_reason_an_unknown_instance_or_a_finished_report_is_refused_and_writes_nothing()
    {
        var running = (await _engine.StartAsync("2026-Q4", "LDLD", Ct)).Id;
        var approved = await ApprovedAsync("HNCT");
        var before = await app.SnapshotAsync();

        await (await _admin.PostJsonAsync($"/api/instances/{running}/terminate", "{}")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "reason-required");
        await (await _admin.PostJsonAsync($"/api/instances/{running}/terminate", """{ "reason": "" }""")).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "reason-required");
        await (await _admin.PostJsonAsync($"/api/instances/{running}/terminate", """{ "why": "x" }""")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "unknown-field");
        await (await _admin.PostJsonAsync("/api/instances/2026-Q4~KHONG/terminate", """{ "reason": "Dừng." }""")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await _admin.PostJsonAsync($"/api/instances/{approved}/terminate", """{ "reason": "Dừng." }""")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "not-permitted");

        await app.AssertUnchangedSinceAsync(before);
    }
}
