using Baocao.Reminders;
using Baocao.Workflow;

namespace Baocao.Tests.Reminders;

/// <summary>Reminders go out in working hours on working days: night, weekend and holiday steps move, and a step meant for before the deadline stays before it.</summary>
public sealed class ReminderShiftTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);

    [Fact]
    public async Task A_step_due_at_night_waits_for_07_30_and_one_on_a_holiday_for_the_next_working_morning()
    {
        // Deadline Wednesday 9 December 02:00; the day after is a holiday (10/12 in the settings).
        var period = await _desk.OpenAsync(2, "2026-12-09T02:00",
            [ReminderDesk.Step("PT0S", "unitReportingOfficer", "reminder-due"), ReminderDesk.Step("P1D", "unitHead", "escalation")], ["LDLD"]);
        Assert.Equal([_desk.Local("2026-12-09 07:30"), _desk.Local("2026-12-11 07:30")], (await _desk.TimersAsync(period, "LDLD", ReminderTimer.Name)).Select(t => t.Due));

        await _desk.SweepAtAsync("2026-12-09 02:00");
        Assert.Empty(await _desk.NewRecipientsAsync(period));
        Assert.True((await _desk.ViewAsync(period, "LDLD")).Instance.Overdue);
        await _desk.SweepAtAsync("2026-12-09 07:29");
        Assert.Empty(await _desk.NewRecipientsAsync(period));
        await _desk.SweepAtAsync("2026-12-09 07:30");
        Assert.Equal(["hoa.congdoan@anhoa.example"], await _desk.NewRecipientsAsync(period));

        await _desk.SweepAtAsync("2026-12-10 07:30");
        Assert.Empty(await _desk.NewRecipientsAsync(period));
        await _desk.SweepAtAsync("2026-12-11 07:30");
        Assert.Equal(["nga.congdoan@anhoa.example"], await _desk.NewRecipientsAsync(period));
    }

    [Fact]
    public async Task A_reminder_before_a_monday_morning_deadline_goes_on_friday_afternoon_not_after_the_deadline()
    {
        // Deadline Monday 14 December 07:00: a day before is Sunday; the next working hour (Monday 07:30) would be too late.
        var period = await _desk.OpenAsync(3, "2026-12-14T07:00", [ReminderDesk.Step("-P1D", "unitReportingOfficer", "reminder-before")], ["HLHPN"]);
        Assert.Equal(_desk.Local("2026-12-11 17:00"), Assert.Single(await _desk.TimersAsync(period, "HLHPN", ReminderTimer.Name)).Due);
    }
}
