using Baocao.Reminders;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;

namespace Baocao.Tests.Reminders;

/// <summary>A granted extension (gia hạn) moves the unit's deadline, its overdue flag and its reminders; the request and the grant land in history.</summary>
public sealed class ExtensionScheduleTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);

    private static string[] Steps =>
        [ReminderDesk.Step("-P1D", "unitReportingOfficer", "reminder-before"), ReminderDesk.Step("P1D", "unitHead", "escalation")];

    private static string RequestPath(string period, string unit) => $"/api/periods/{period}/reports/{unit}/extension-requests";

    [Fact]
    public async Task A_granted_extension_moves_the_deadline_and_the_reminders_and_both_land_in_history()
    {
        // Deadline Wednesday 2 December 17:00, moved to Wednesday 9 December 17:00.
        var period = await _desk.OpenAsync(6, "2026-12-02T17:00", Steps, ["MTTQ", "HCCB"]);
        var unit = await Submitter.ForAsync(app, "MTTQ");
        var asked = await unit.Client.PostJsonAsync(RequestPath(period, "MTTQ"),
            """{ "until": "2026-12-09T17:00", "reason": "Chờ số liệu từ các huyện sau đợt mưa lũ.", "kind": "extension" }""");
        var filed = await asked.ReadAsAsync<FiledRequest>();
        Assert.Equal(_desk.Local("2026-12-09 17:00"), filed.Until);
        // The request reaches the unit's reviewer at once, with the unit's reason and where to look.
        await _desk.DeliverAllAsync();
        var request = Assert.Single(await _desk.MailsAsync(ExtensionMail.Category));
        Assert.Equal([ReminderDesk.Reviewer], request.To);
        Assert.Equal("[Baocao] Ủy ban MTTQ Việt Nam tỉnh đề nghị gia hạn nộp báo cáo: Báo cáo tháng 6/2026", request.Subject);
        Assert.Contains("Ủy ban MTTQ Việt Nam tỉnh đề nghị gia hạn nộp báo cáo Báo cáo tháng 6/2026 đến 17:00 ngày 09/12/2026 (hạn hiện tại: 17:00 ngày 02/12/2026).",
            request.Text, StringComparison.Ordinal);
        Assert.Contains("Lý do: Chờ số liệu từ các huyện sau đợt mưa lũ.", request.Text, StringComparison.Ordinal);
        Assert.Contains("/api/dashboard/2026-M06/units/MTTQ", request.Text, StringComparison.Ordinal);

        var id = WorkflowEngine.InstanceId(period, "MTTQ");
        var granted = await _desk.Admin.PostJsonAsync($"/api/instances/{id}/extension", """{ "deadline": "2026-12-09T17:00", "reason": "Đồng ý, địa bàn bị lũ." }""");
        Assert.Equal(_desk.Local("2026-12-09 17:00"), (await granted.ReadAsAsync<WorkflowInstance>()).Deadline);
        await _desk.DeliverAllAsync();
        var decisions = (await _desk.MailsAsync(ExtensionMail.Category)).Skip(1).ToList();
        Assert.Equal(["ngoc.mttq@anhoa.example", "phuc.mttq@anhoa.example"], decisions.SelectMany(m => m.To).Order());
        var decision = decisions.Single(m => m.To.Single() == "ngoc.mttq@anhoa.example");
        Assert.StartsWith("Kính gửi ", decision.Text, StringComparison.Ordinal);
        Assert.Equal("[Baocao] Đã gia hạn nộp: Báo cáo tháng 6/2026", decision.Subject);
        Assert.Contains("Hạn nộp mới: 17:00 ngày 09/12/2026.", decision.Text, StringComparison.Ordinal);
        Assert.Contains("Lý do: Đồng ý, địa bàn bị lũ.", decision.Text, StringComparison.Ordinal);
        // The head's step, a day after the new deadline, falls on the holiday and waits for Friday morning.
        Assert.Equal([_desk.Local("2026-12-08 17:00"), _desk.Local("2026-12-11 07:30")],
            (await _desk.TimersAsync(period, "MTTQ", ReminderTimer.Name)).Select(t => t.Due));

        await _desk.SweepAtAsync("2026-12-01 17:00");
        Assert.Equal(["hai.ccb@anhoa.example"], await _desk.NewRecipientsAsync(period));
        await _desk.SweepAtAsync("2026-12-02 17:00");
        Assert.False((await _desk.ViewAsync(period, "MTTQ")).Instance.Overdue);
        Assert.True((await _desk.ViewAsync(period, "HCCB")).Instance.Overdue);
        await _desk.SweepAtAsync("2026-12-03 17:00");
        Assert.Equal(["duc.ccb@anhoa.example"], await _desk.NewRecipientsAsync(period));

        await _desk.SweepAtAsync("2026-12-08 17:00");
        Assert.Equal(["ngoc.mttq@anhoa.example"], await _desk.NewRecipientsAsync(period));
        await _desk.SweepAtAsync("2026-12-09 17:00");
        Assert.True((await _desk.ViewAsync(period, "MTTQ")).Instance.Overdue);
        await _desk.SweepAtAsync("2026-12-11 07:30");
        Assert.Equal(["phuc.mttq@anhoa.example"], await _desk.NewRecipientsAsync(period));

        var history = (await _desk.ViewAsync(period, "MTTQ")).History;
        Assert.Equal((ReportTrigger.Note, "MTTQ", DeadlineExtensions.Requested), (history[0].Trigger, history[0].Actor, history[0].ReasonCode));
        Assert.Equal("Đề nghị gia hạn nộp báo cáo đến 17:00 ngày 09/12/2026. Lý do: Chờ số liệu từ các huyện sau đợt mưa lũ.", history[0].Comment);
        Assert.Equal((ReportTrigger.Extend, DeadlineExtensions.Granted), (history[1].Trigger, history[1].ReasonCode));
        Assert.Equal("Gia hạn nộp báo cáo đến 17:00 ngày 09/12/2026. Lý do: Đồng ý, địa bàn bị lũ.", history[1].Comment);
    }
}
