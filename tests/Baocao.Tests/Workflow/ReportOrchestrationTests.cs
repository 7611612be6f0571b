using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

/// <summary>A report's timers on its orchestration, with the app's clock moved by the test.</summary>
public sealed class ReportOrchestrationTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Period = "2026-M12";

    private readonly WorkflowEngine _engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();
    private readonly ReportTimers _timers = app.Factory.Services.GetRequiredService<ReportTimers>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<IReadOnlyList<StoredTimer>> TimerRowsAsync(string id) => app.Stored.TimersAsync(id);

    private Task<string> StartAsync(string unit, params DurableTimer[] timers) => app.StartReportAsync(Period, unit, timers);

    [Fact]
    public async Task At_the_deadline_each_unsubmitted_report_is_flagged_overdue_exactly_once_even_when_a_firing_runs_twice()
    {
        var deadline = app.Clock.GetUtcNow().AddHours(3);
        var ids = new List<string>();
        foreach (var unit in new[] { "HND", "HCCB", "DTN", "HLHPN", "MTTQ", "LDLD" }) ids.Add(await StartAsync(unit, DeadlineTimer.For(deadline)));
        await app.ReportsCaughtUpAsync();
        Assert.All(await Task.WhenAll(ids.Select(id => _engine.GetAsync(id, Ct))), view => Assert.Empty(view!.History));

        app.Clock.Advance(TimeSpan.FromHours(3));
        // Each firing also run by hand beside the orchestration's own, as an activity run again after a crash would be.
        await Task.WhenAll(Task.WhenAll(ids.Select(id => _timers.FireAsync(new DueTimer(id, DeadlineTimer.Name, deadline), Ct))), app.ReportsCaughtUpAsync());

        foreach (var id in ids)
        {
            var view = (await _engine.GetAsync(id, Ct))!;
            Assert.True(view.Instance.Overdue);
            Assert.Equal(ReportState.NotStarted, view.Instance.State);
            var e = Assert.Single(view.History);
            Assert.Equal((ReportTrigger.FlagOverdue, WorkflowChannel.Timer, ReportTimers.Actor), (e.Trigger, e.Channel, e.Actor));
            Assert.Equal($"Quá hạn nộp báo cáo (hạn {deadline.ToOffset(TimeSpan.FromHours(7)):HH:mm 'ngày' dd/MM/yyyy}).", e.Comment);
            Assert.True((await _engine.VerifyHistoryAsync(id, Ct)).Intact);
            Assert.Empty(await TimerRowsAsync(id));
        }
    }

    [Fact]
    public async Task A_deadline_timer_of_a_report_submitted_in_time_comes_to_nothing_and_is_removed()
    {
        var id = await StartAsync("TINHDOAN", DeadlineTimer.For(app.Clock.GetUtcNow().AddMinutes(30)));
        Assert.IsType<FireResult.Applied>(await _engine.FireAsync(id, new Firing(ReportTrigger.Submit, "vp.tinhdoan", WorkflowChannel.Api), await app.DurableClientAsync(), Ct));

        app.Clock.Advance(TimeSpan.FromMinutes(30));
        await app.ReportsCaughtUpAsync();

        var view = (await _engine.GetAsync(id, Ct))!;
        Assert.False(view.Instance.Overdue);
        Assert.Equal([ReportTrigger.Submit], view.History.Select(e => e.Trigger));
        Assert.Empty(await TimerRowsAsync(id));
    }

    [Fact]
    public async Task A_firing_of_a_timer_gone_or_moved_or_of_a_report_that_does_not_exist_records_nothing_and_such_an_orchestration_ends()
    {
        var now = app.Clock.GetUtcNow();
        var id = await StartAsync("DUQS", DeadlineTimer.For(now.AddDays(1)));

        Assert.False(await _timers.FireAsync(new DueTimer(id, DeadlineTimer.Name, now), Ct));
        Assert.False(await _timers.FireAsync(new DueTimer(id, "remind-00", now), Ct));
        Assert.False(await _timers.FireAsync(new DueTimer($"{Period}~KHONG-CO", DeadlineTimer.Name, now), Ct));

        Assert.Empty((await _engine.GetAsync(id, Ct))!.History);
        Assert.Single(await TimerRowsAsync(id));
        await ReportSignals.StartAsync(await app.DurableClientAsync(), $"{Period}~KHONG-CO", Ct);
        var ended = await app.OrchestrationEndedAsync($"{Period}~KHONG-CO");
        Assert.Equal((OrchestrationRuntimeStatus.Completed, "\"finished\""), (ended.RuntimeStatus, ended.SerializedOutput));
    }

    [Fact]
    public async Task The_approval_that_finishes_a_report_cancels_its_timers_in_its_own_transaction_and_ends_its_orchestration()
    {
        var id = await StartAsync("DUCA", DeadlineTimer.For(app.Clock.GetUtcNow().AddDays(2)));
        foreach (var trigger in new[] { ReportTrigger.Submit, ReportTrigger.Claim, ReportTrigger.Approve })
        {
            Assert.IsType<FireResult.Applied>(await _engine.FireAsync(id, new Firing(trigger, "cv.lan", WorkflowChannel.Link), await app.DurableClientAsync(), Ct));
        }
        Assert.Single(await TimerRowsAsync(id));

        Assert.IsType<FireResult.Applied>(await _engine.FireAsync(id, new Firing(ReportTrigger.Approve, "ld.binh", WorkflowChannel.Link), await app.DurableClientAsync(), Ct));

        Assert.Empty(await TimerRowsAsync(id));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await app.OrchestrationEndedAsync(id)).RuntimeStatus);
    }
}

/// <summary>The app on the real clock, for timers that must come due by themselves.</summary>
public sealed class RealClockApp : TestApp
{
    protected override bool UsesRealClock => true;
}

/// <summary>Durable timers on the real clock, seconds away: nobody moves time or signals, the engine alone fires them.</summary>
public sealed class ReportTimersOnTheRealClockTests(RealClockApp app) : IClassFixture<RealClockApp>
{
    private const string Period = "2026-M11";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowEngine Engine => app.Factory.Services.GetRequiredService<WorkflowEngine>();

    private Task<string> StartAsync(string unit, DateTimeOffset deadline) => app.StartReportAsync(Period, unit, DeadlineTimer.For(deadline));

    [Fact]
    public async Task A_deadline_seconds_away_flags_the_report_overdue_on_its_own_but_not_the_one_submitted_before_it()
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(4);
        var late = await StartAsync("HND", deadline);
        var early = await StartAsync("HCCB", deadline);
        Assert.IsType<FireResult.Applied>(await Engine.FireAsync(early, new Firing(ReportTrigger.Submit, "vp.hccb", WorkflowChannel.Api), await app.DurableClientAsync(), Ct));

        await Eventually.UntilAsync(async () => (await Engine.GetAsync(late, Ct))!.Instance.Overdue, "the deadline's durable timer to fire");
        await Eventually.UntilAsync(async () => (await app.Stored.TimersAsync(early)).Count == 0, "the submitted report's deadline to come due and go");

        Assert.True(DateTimeOffset.UtcNow >= deadline);
        Assert.Equal([ReportTrigger.FlagOverdue], (await Engine.GetAsync(late, Ct))!.History.Select(e => e.Trigger));
        var submitted = (await Engine.GetAsync(early, Ct))!;
        Assert.False(submitted.Instance.Overdue);
        Assert.Equal([ReportTrigger.Submit], submitted.History.Select(e => e.Trigger));
    }
}
