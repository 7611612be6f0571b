using Baocao.Reminders;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;

namespace Baocao.Tests.Reminders;

/// <summary>A period's whole reminder schedule walked with the clock: before, at and after the deadline, up the unit tree.</summary>
public sealed class ReminderScheduleTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);

    [Fact]
    public async Task Only_units_that_still_owe_are_reminded_then_escalated_to_their_head_and_the_reviewer_in_one_digest()
    {
        // Deadline Friday 4 December 17:00; the head's step (Saturday 17:00) waits for Monday 07:30.
        var period = await _desk.OpenAsync(1, "2026-12-04T17:00",
        [
            ReminderDesk.Step("-P3D", "unitReportingOfficer", "reminder-before"),
            ReminderDesk.Step("PT0S", "unitReportingOfficer", "reminder-due"),
            ReminderDesk.Step("P1D", "unitHead", "escalation"),
            ReminderDesk.Step("P3D", "provinceReviewer", "escalation"),
        ], ["HND", "HCCB", "MTTQ"]);
        Assert.Equal([_desk.Local("2026-12-01 17:00"), _desk.Local("2026-12-04 17:00"), _desk.Local("2026-12-07 07:30"), _desk.Local("2026-12-07 17:00")],
            (await _desk.TimersAsync(period, "HCCB", ReminderTimer.Name)).Select(t => t.Due));

        await _desk.SweepAtAsync("2026-12-01 16:59");
        Assert.Empty(await _desk.NewRecipientsAsync(period));

        await _desk.SweepAtAsync("2026-12-01 17:00");
        var before = await _desk.NewDigestsAsync(period);
        Assert.Equal(["hai.ccb@anhoa.example", "ngoc.mttq@anhoa.example", "pau.nongdan@anhoa.example"], before.Select(m => m.To.Single()).Order());
        var pau = before.Single(m => m.To.Single() == "pau.nongdan@anhoa.example");
        Assert.Equal("[Baocao] Nhắc việc: 1 báo cáo cần anh/chị quan tâm", pau.Subject);
        Assert.Contains("Kính gửi Lò Văn Pấu,", pau.Text, StringComparison.Ordinal);
        Assert.Contains("Sắp đến hạn nộp báo cáo:", pau.Text, StringComparison.Ordinal);
        Assert.Contains("- Hội Nông dân tỉnh – Báo cáo tháng 1/2026 (hạn nộp 17:00 ngày 04/12/2026)", pau.Text, StringComparison.Ordinal);

        // Submitting cancels the unit's reminders in the Submit's own transaction.
        await _desk.SubmitAsync(period, "HND");
        Assert.Empty(await _desk.TimersAsync(period, "HND", ReminderTimer.Name));
        Assert.Equal(3, (await _desk.TimersAsync(period, "HCCB", ReminderTimer.Name)).Count);

        await _desk.SweepAtAsync("2026-12-04 17:00");
        Assert.Equal(["hai.ccb@anhoa.example", "ngoc.mttq@anhoa.example"], await _desk.NewRecipientsAsync(period));
        Assert.True((await _desk.ViewAsync(period, "HCCB")).Instance.Overdue);
        Assert.False((await _desk.ViewAsync(period, "HND")).Instance.Overdue);

        await _desk.SweepAtAsync("2026-12-05 17:00");
        Assert.Empty(await _desk.NewRecipientsAsync(period));
        await _desk.SweepAtAsync("2026-12-07 07:30");
        Assert.Equal(["duc.ccb@anhoa.example", "phuc.mttq@anhoa.example"], await _desk.NewRecipientsAsync(period));

        // The reviewer owes attention to two units: one mail lists both.
        await _desk.SweepAtAsync("2026-12-07 17:00");
        var digest = Assert.Single(await _desk.NewDigestsAsync(period));
        Assert.Equal([ReminderDesk.Reviewer], digest.To);
        Assert.Equal("[Baocao] Nhắc việc: 2 báo cáo cần anh/chị quan tâm", digest.Subject);
        Assert.Contains("Quá hạn nộp mà đơn vị chưa nộp báo cáo:", digest.Text, StringComparison.Ordinal);
        Assert.Contains("Hội Cựu chiến binh tỉnh", digest.Text, StringComparison.Ordinal);
        Assert.Contains("Ủy ban MTTQ Việt Nam tỉnh", digest.Text, StringComparison.Ordinal);
        Assert.Contains("/api/dashboard/2026-M01/units/HCCB", digest.Text, StringComparison.Ordinal);

        await _desk.SweepAtAsync("2026-12-20 17:00");
        Assert.Empty(await _desk.NewRecipientsAsync(period));
        Assert.Equal(0, await _desk.WaitingNoticesAsync());
        var history = (await _desk.ViewAsync(period, "HCCB")).History;
        Assert.Equal([ReportTrigger.Note, ReportTrigger.FlagOverdue, ReportTrigger.Note, ReportTrigger.Note, ReportTrigger.Note], history.Select(e => e.Trigger));
        Assert.Contains(history, e => e.Comment == "Nhắc hạn nộp báo cáo (3 ngày trước hạn, hạn 17:00 ngày 04/12/2026): gửi cán bộ phụ trách báo cáo của đơn vị.");
        Assert.Contains(history, e => e.Comment == "Nhắc hạn nộp báo cáo (1 ngày sau hạn, hạn 17:00 ngày 04/12/2026): gửi lãnh đạo đơn vị.");
    }
}
