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
        Assert.Equal(["quan.tinhdoan@anhoa.example"], await _desk.NewRecipientsAsync(period));
        var view = await _desk.ViewAsync(period, "TINHDOAN");
        Assert.Equal([ReportTrigger.FlagOverdue, ReportTrigger.Note], view.History.Select(e => e.Trigger));
        Assert.Equal(0, await _desk.WaitingNoticesAsync());

        await _desk.SweepAtAsync("2026-12-22 17:00");
        Assert.Equal([ReminderDesk.Reviewer], await _desk.NewRecipientsAsync(period));
    }
}

/// <summary>A sweep catching up in the night records what came due, and mails it when working hours begin.</summary>
public sealed class NightCatchUpTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);

    [Fact]
    public async Task Catching_up_at_night_records_the_step_at_once_and_mails_it_at_the_next_working_hour()
    {
        var period = await _desk.OpenAsync(6, "2027-01-05T17:00",
            [ReminderDesk.Step("PT0S", "unitReportingOfficer", "reminder-due"), ReminderDesk.Step("P1D", "unitHead", "escalation")], ["HND"]);

        // Down from the deadline, Tuesday 5 January 2027 17:00, until 02:00: the step is history now, its mail waits for morning.
        await _desk.SweepAtAsync("2027-01-06 02:00");
        Assert.Equal([ReportTrigger.FlagOverdue, ReportTrigger.Note], (await _desk.ViewAsync(period, "HND")).History.Select(e => e.Trigger));
        Assert.Empty(await _desk.NewRecipientsAsync(period));
        Assert.Equal(1, await _desk.WaitingNoticesAsync());
        await _desk.SweepAtAsync("2027-01-06 07:29");
        Assert.Empty(await _desk.NewRecipientsAsync(period));

        await _desk.SweepAtAsync("2027-01-06 07:30");
        Assert.Equal(["pau.nongdan@anhoa.example"], await _desk.NewRecipientsAsync(period));
        Assert.Equal(0, await _desk.WaitingNoticesAsync());
        await _desk.SweepAtAsync("2027-01-06 08:30");
        Assert.Empty(await _desk.NewRecipientsAsync(period));
    }
}
