using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

public sealed class TimerSweeperTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Period = "2026-M12";

    private readonly WorkflowEngine _engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();
    private readonly TimerIndex _index = app.Factory.Services.GetRequiredService<TimerIndex>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TimerSweeper NewSweeper() => app.Factory.Services.GetRequiredService<TimerSweeper>();

    private Task<IReadOnlyList<StoredTimer>> TimerRowsAsync(string id) => app.Stored.TimersAsync(id);

    private Task<List<DueEntry>> IndexRowsAsync(string id) => app.Stored.IndexEntriesForAsync(id);

    [Fact]
    public async Task At_the_deadline_two_sweepers_flag_each_unsubmitted_report_overdue_exactly_once()
    {
        var deadline = app.Clock.GetUtcNow().AddHours(3);
        var ids = new List<string>();
        foreach (var unit in new[] { "HND", "HCCB", "DTN", "HLHPN", "MTTQ", "LDLD" })
        {
            ids.Add((await _engine.StartAsync(Period, unit, Ct, [DeadlineTimer.For(deadline)])).Id);
        }
        Assert.All(await Task.WhenAll(ids.Select(IndexRowsAsync)), rows => Assert.Single(rows));
        Assert.Equal(0, (await NewSweeper().SweepAsync(Ct)).Fired);

        app.Clock.Advance(TimeSpan.FromHours(3));
        var sweeps = await Task.WhenAll(NewSweeper().SweepAsync(Ct), NewSweeper().SweepAsync(Ct));

        Assert.Equal(ids.Count, sweeps.Sum(s => s.Fired));
        foreach (var id in ids)
        {
            var view = (await _engine.GetAsync(id, Ct))!;
            Assert.True(view.Instance.Overdue);
            Assert.Equal(ReportState.NotStarted, view.Instance.State);
            var e = Assert.Single(view.History);
            Assert.Equal((ReportTrigger.FlagOverdue, WorkflowChannel.Timer, TimerSweeper.Actor), (e.Trigger, e.Channel, e.Actor));
            Assert.Equal($"Quá hạn nộp báo cáo (hạn {deadline.ToOffset(TimeSpan.FromHours(7)):HH:mm 'ngày' dd/MM/yyyy}).", e.Comment);
            Assert.True((await _engine.VerifyHistoryAsync(id, Ct)).Intact);
            Assert.Empty(await TimerRowsAsync(id));
            Assert.Empty(await IndexRowsAsync(id));
        }
        Assert.Equal(0, (await NewSweeper().SweepAsync(Ct)).Due);
    }

    [Fact]
    public async Task A_deadline_timer_of_a_report_submitted_in_time_comes_to_nothing_and_is_removed()
    {
        var id = (await _engine.StartAsync(Period, "TINHDOAN", Ct, [DeadlineTimer.For(app.Clock.GetUtcNow().AddMinutes(30))])).Id;
        Assert.IsType<FireResult.Applied>(await _engine.FireAsync(id, new Firing(ReportTrigger.Submit, "vp.tinhdoan", WorkflowChannel.Api), Ct));

        app.Clock.Advance(TimeSpan.FromMinutes(30));
        var sweep = await NewSweeper().SweepAsync(Ct);

        Assert.True(sweep.Stale >= 1);
        var view = (await _engine.GetAsync(id, Ct))!;
        Assert.False(view.Instance.Overdue);
        Assert.Equal([ReportTrigger.Submit], view.History.Select(e => e.Trigger));
        Assert.Empty(await TimerRowsAsync(id));
        Assert.Empty(await IndexRowsAsync(id));
    }

    [Fact]
    public async Task An_index_entry_whose_transaction_never_committed_is_dropped_without_effect()
    {
        var id = (await _engine.StartAsync(Period, "DUQS", Ct)).Id;
        await _index.PutAsync(new DueEntry(id, DeadlineTimer.Name, DueKind.Timer, app.Clock.GetUtcNow()), Ct);
        await _index.PutAsync(new DueEntry($"{Period}~KHONG-CO", DeadlineTimer.Name, DueKind.Timer, app.Clock.GetUtcNow()), Ct);

        var sweep = await NewSweeper().SweepAsync(Ct);

        Assert.Equal((0, 0), (sweep.Fired, sweep.Failed));
        Assert.Empty((await _engine.GetAsync(id, Ct))!.History);
        Assert.Empty(await IndexRowsAsync(id));
        Assert.Empty(await IndexRowsAsync($"{Period}~KHONG-CO"));
    }

    [Fact]
    public async Task The_approval_that_finishes_a_report_cancels_its_timers_in_its_own_transaction()
    {
        var id = (await _engine.StartAsync(Period, "DUCA", Ct, [DeadlineTimer.For(app.Clock.GetUtcNow().AddDays(2))])).Id;
        foreach (var trigger in new[] { ReportTrigger.Submit, ReportTrigger.Claim, ReportTrigger.Approve })
        {
            Assert.IsType<FireResult.Applied>(await _engine.FireAsync(id, new Firing(trigger, "cv.lan", WorkflowChannel.Link), Ct));
        }
        Assert.Single(await TimerRowsAsync(id));

        Assert.IsType<FireResult.Applied>(await _engine.FireAsync(id, new Firing(ReportTrigger.Approve, "ld.binh", WorkflowChannel.Link), Ct));

        Assert.Empty(await TimerRowsAsync(id));
        Assert.Equal(PeriodActivities.CheckKind, Assert.Single(await _engine.PendingWorkAsync(id, Ct)).Kind);
    }
}
