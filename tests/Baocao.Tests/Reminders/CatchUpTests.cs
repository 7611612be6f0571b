using Baocao.Reminders;
using Baocao.Workflow;

namespace Baocao.Tests.Reminders;

/// <summary>After downtime the sweep catches up once: the latest step still relevant, not every step missed.</summary>
public sealed class CatchUpTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);

    [Fact]
    public async Task After_downtime_only_the_latest_step_still_relevant_is_sent()
    {
        var period = await _desk.OpenAsync(5, "2026-12-18T17:00",
        [
            ReminderDesk.Step("-P3D", "unitReportingOfficer", "reminder-before"),
            ReminderDesk.Step("-P1D", "unitReportingOfficer", "reminder-before"),
            ReminderDesk.Step("PT0S", "unitReportingOfficer", "reminder-due"),
            ReminderDesk.Step("P3D", "unitHead", "escalation"),
            ReminderDesk.Step("P4D", "provinceReviewer", "escalation"),
        ], ["TINHDOAN"]);

        // Down from before the first step until the head's step, Monday 21 December 17:00: three officer steps were missed too.
        await _desk.SweepAtAsync("2026-12-21 17:00");
        Assert.Equal(["quan.tinhdoan@anhoa.example"], _desk.NewRecipients(period));
        var view = await _desk.ViewAsync(period, "TINHDOAN");
        Assert.Equal([ReportTrigger.FlagOverdue, ReportTrigger.Note], view.History.Select(e => e.Trigger));
        Assert.Equal(0, await _desk.WaitingNoticesAsync());

        await _desk.SweepAtAsync("2026-12-22 17:00");
        Assert.Equal([ReminderDesk.Reviewer], _desk.NewRecipients(period));
    }
}
