using Baocao.Catalog;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

public sealed class PeriodOrchestrationTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string DemoPeriod = "2026-H1";

    private readonly HttpClient _admin = app.Admin();
    private readonly WorkflowEngine _engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();
    private readonly WorkflowStore _store = app.Factory.Services.GetRequiredService<WorkflowStore>();
    private readonly CatalogService _catalog = app.Factory.Services.GetRequiredService<CatalogService>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<string> OpenMonthAsync(int month, params string[] units) => app.OpenMonthAsync(month, units);

    private async Task<List<string>> InScopeAsync(string periodId) =>
        CatalogService.UnitsInScope((await _catalog.GetPeriodAsync(periodId, Ct))!, await _catalog.GetUnitsAsync(Ct)).Select(u => u.Code).Order().ToList();

    private async Task<List<string>> InstanceUnitsAsync(string periodId) =>
        (await _store.PeriodInstancesAsync(periodId, Ct)).Select(i => i.UnitCode).Order().ToList();

    [Fact]
    public async Task Opening_a_period_starts_one_instance_per_unit_in_scope_each_with_its_deadline_timer()
    {
        var period = (await _catalog.GetPeriodAsync(DemoPeriod, Ct))!;
        var expected = await InScopeAsync(DemoPeriod);

        // The demo province has fourteen units in scope; another test of this class may add one to it first.
        Assert.True(expected.Count >= 14, $"{expected.Count} units in scope");
        Assert.Equal(expected, await InstanceUnitsAsync(DemoPeriod));
        foreach (var unit in expected)
        {
            var timer = await _store.GetTimerAsync(WorkflowEngine.InstanceId(DemoPeriod, unit), DeadlineTimer.Name, Ct);
            Assert.Equal(period.Deadline, timer!.Timer.Due);
        }
    }

    [Fact]
    public async Task An_interrupted_fan_out_is_finished_by_the_reconciler_without_touching_what_it_had_created()
    {
        var periodId = await OpenMonthAsync(1, "HND", "HCCB", "MTTQ", "LDLD");
        var kept = new[] { "HND", "HCCB" }.Select(unit => WorkflowEngine.InstanceId(periodId, unit)).ToList();
        var before = new Dictionary<string, Azure.ETag>();
        foreach (var id in kept) before[id] = (await app.Stored.InstanceAsync(id))!.ETag;
        // As if the fan-out died after two instances: the other two reports never got written, its index entry stayed.
        foreach (var unit in new[] { "MTTQ", "LDLD" }) await app.Stored.ForgetReportAsync(WorkflowEngine.InstanceId(periodId, unit));

        await app.ReconcilePeriodsAsync();
        await app.ReportsStartedAsync(periodId);

        Assert.Equal(["HCCB", "HND", "LDLD", "MTTQ"], await InstanceUnitsAsync(periodId));
        foreach (var id in kept) Assert.Equal(before[id], (await app.Stored.InstanceAsync(id))!.ETag);
        Assert.Empty((await app.Factory.Services.GetRequiredService<PeriodActivities>().LookAsync(periodId, Ct)).UnitsWithoutReport);
    }

    [Fact]
    public async Task A_unit_added_to_an_open_periods_scope_gets_its_instance()
    {
        var unit = """{ "code": "HU-THACHTHANH", "name": "Ban Dân vận Huyện ủy Thạch Thành", "level": "HUYEN", "parent": "BDV-TU" }""";
        (await _admin.PostJsonAsync("/api/catalog/units", unit)).EnsureSuccessStatusCode();
        await app.ReportsStartedAsync(DemoPeriod);

        var view = await _engine.GetAsync(WorkflowEngine.InstanceId(DemoPeriod, "HU-THACHTHANH"), Ct);

        Assert.Equal(ReportState.NotStarted, view!.Instance.State);
        Assert.Equal(await InScopeAsync(DemoPeriod), await InstanceUnitsAsync(DemoPeriod));
    }

    [Fact]
    public async Task The_last_approval_completes_the_period_once_through_its_orchestration()
    {
        var periodId = await OpenMonthAsync(2, "HND", "DUQS");
        var hnd = WorkflowEngine.InstanceId(periodId, "HND");
        Assert.IsType<FireResult.Applied>(await _engine.FireAsync(WorkflowEngine.InstanceId(periodId, "DUQS"), new Firing(ReportTrigger.Exempt, "quản trị viên", WorkflowChannel.Admin) { Comment = "Đơn vị sáp nhập." }, await app.DurableClientAsync(), Ct));
        await app.DeliverOutboxAsync();
        Assert.Null(await _store.PeriodCompletionAsync(periodId, Ct));

        foreach (var trigger in new[] { ReportTrigger.Submit, ReportTrigger.Claim, ReportTrigger.Approve, ReportTrigger.Approve })
        {
            Assert.IsType<FireResult.Applied>(await _engine.FireAsync(hnd, new Firing(trigger, "cv.lan", WorkflowChannel.Link), await app.DurableClientAsync(), Ct));
        }
        await app.DeliverOutboxAsync();

        // The finishing report signalled the period's orchestration, whose next round records the completion.
        Assert.Equal("all-finished", (await CompletionAsync(periodId)).Reason);
        // Later rounds (the reconciler's, a unit saved) look again and keep the first record.
        var first = await CompletionAsync(periodId);
        await app.ReconcilePeriodsAsync();
        (await _admin.PostAsync($"/api/catalog/periods/{periodId}/close", null, Ct)).EnsureSuccessStatusCode();
        await app.PeriodSettledAsync(periodId);
        Assert.Equal(first, await CompletionAsync(periodId));
    }

    /// <summary>The period's completion record, once its orchestration has made it.</summary>
    private async Task<(string Reason, DateTimeOffset At)> CompletionAsync(string periodId)
    {
        (string Reason, DateTimeOffset At)? completion = null;
        await Eventually.UntilAsync(async () => (completion = await _store.PeriodCompletionAsync(periodId, Ct)) is not null, $"{periodId}'s completion record");
        return completion!.Value;
    }

    [Fact]
    public async Task Closing_a_period_marks_every_report_never_submitted_as_missed_and_completes_it()
    {
        var periodId = await OpenMonthAsync(3, "HND", "HCCB", "TINHDOAN");
        var submitted = WorkflowEngine.InstanceId(periodId, "HND");
        Assert.IsType<FireResult.Applied>(await _engine.FireAsync(submitted, new Firing(ReportTrigger.Submit, "vp.hnd", WorkflowChannel.Api), await app.DurableClientAsync(), Ct));

        (await _admin.PostAsync($"/api/catalog/periods/{periodId}/close", null, Ct)).EnsureSuccessStatusCode();
        await app.PeriodSettledAsync(periodId);

        foreach (var unit in new[] { "HCCB", "TINHDOAN" })
        {
            var view = (await _engine.GetAsync(WorkflowEngine.InstanceId(periodId, unit), Ct))!;
            Assert.True(view.Instance.Missed);
            Assert.Equal(ReportState.NotStarted, view.Instance.State);
            var e = Assert.Single(view.History);
            Assert.Equal((ReportTrigger.MarkMissed, WorkflowChannel.Admin, "period-closed"), (e.Trigger, e.Channel, e.ReasonCode));
            Assert.StartsWith("Kỳ báo cáo đã đóng lúc", e.Comment);
        }
        Assert.False((await _engine.GetAsync(submitted, Ct))!.Instance.Missed);
        Assert.Equal("closed", (await _store.PeriodCompletionAsync(periodId, Ct))!.Value.Reason);
        Assert.Empty(await _store.OutboxAsync(periodId, Ct));
    }

    [Fact]
    public async Task A_period_closed_while_it_had_no_orchestration_is_closed_by_the_reconcilers_next_look()
    {
        var periodId = await OpenMonthAsync(4, "HND", "HCCB");
        // As if the period ran without its orchestration (opened by start-up work that has no client): none is there to signal.
        var workflow = await app.DurableClientAsync();
        await workflow.TerminateInstanceAsync(PeriodOrchestration.InstanceId(periodId), cancellation: Ct);
        await workflow.WaitForInstanceCompletionAsync(PeriodOrchestration.InstanceId(periodId), Ct);
        await workflow.PurgeInstanceAsync(PeriodOrchestration.InstanceId(periodId), cancellation: Ct);
        (await _admin.PostAsync($"/api/catalog/periods/{periodId}/close", null, Ct)).EnsureSuccessStatusCode();
        Assert.Null(await _store.PeriodCompletionAsync(periodId, Ct));

        await app.ReconcilePeriodsAsync();
        await app.PeriodSettledAsync(periodId);

        Assert.Equal("closed", (await _store.PeriodCompletionAsync(periodId, Ct))!.Value.Reason);
        Assert.All(await _store.PeriodInstancesAsync(periodId, Ct), i => Assert.True(i.Missed));
    }
}
