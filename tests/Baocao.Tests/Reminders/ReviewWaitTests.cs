using Baocao.Reminders;
using Baocao.Workflow;

namespace Baocao.Tests.Reminders;

/// <summary>The reviewer's SLA: a report waiting in a stage past its limit reminds the stage's people, then the approver.</summary>
public sealed class ReviewWaitTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A slow first stage (CHAM: one day in the settings) and an approval stage.</summary>
    private const string SlowStages = """
        [ { "code": "CHAM", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] },
          { "code": "PHE-DUYET", "name": "Lãnh đạo Ban phê duyệt", "assignees": [ { "name": "Trần Văn Dũng", "email": "tvdung.truongban@anhoa.example" } ] } ]
        """;

    [Fact]
    public async Task Reports_waiting_past_the_stage_limit_remind_the_reviewer_in_one_digest_then_escalate_to_the_approver()
    {
        var period = await _desk.OpenAsync(11, "2026-12-18T17:00", [], ["HND", "HCCB", "DUCA"], SlowStages);
        // Submitted Tuesday 24 November 09:00: the reviewer's limit is a day, the approver hears after two.
        foreach (var unit in new[] { "HND", "HCCB", "DUCA" }) await _desk.SubmitAsync(period, unit);
        Assert.Equal([_desk.Local("2026-11-25 09:00"), _desk.Local("2026-11-26 09:00")],
            (await _desk.TimersAsync(period, "HND", ReviewWaitTimerKind.Name)).Select(t => t.Due));
        // The reviewer approves DUCA on the spot: it waits for the leader now, whose stage's limit is two days.
        var duca = WorkflowEngine.InstanceId(period, "DUCA");
        Assert.IsType<FireResult.Applied>(await _desk.Engine.FireAsync(duca, new Firing(ReportTrigger.Approve, ReminderDesk.Reviewer, WorkflowChannel.Link) { SeenState = ReportState.Submitted }, await app.DurableClientAsync(), Ct));
        Assert.Equal([_desk.Local("2026-11-26 09:00")], (await _desk.TimersAsync(period, "DUCA", ReviewWaitTimerKind.Name)).Select(t => t.Due));

        await _desk.SweepAtAsync("2026-11-25 09:00");
        var digest = Assert.Single(await _desk.NewDigestsAsync(period));
        Assert.Equal([ReminderDesk.Reviewer], digest.To);
        Assert.Equal("[Baocao] Nhắc việc: 2 báo cáo cần anh/chị quan tâm", digest.Subject);
        Assert.Contains("Báo cáo chờ anh/chị xử lý quá thời hạn:", digest.Text, StringComparison.Ordinal);
        Assert.Contains("- Hội Nông dân tỉnh – Báo cáo tháng 11/2026 (chờ ở bước «Chuyên viên thẩm định» từ 09:00 ngày 24/11/2026)", digest.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Đảng ủy Công an tỉnh", digest.Text, StringComparison.Ordinal);

        // HCCB is returned meanwhile: it leaves the stage, and its escalation with it.
        Assert.IsType<FireResult.Applied>(await _desk.Engine.FireAsync(WorkflowEngine.InstanceId(period, "HCCB"), new Firing(ReportTrigger.Return, ReminderDesk.Reviewer, WorkflowChannel.Link) { Comment = "Thiếu số liệu khen thưởng.", SeenState = ReportState.Submitted }, await app.DurableClientAsync(), Ct));
        Assert.Empty(await _desk.TimersAsync(period, "HCCB", ReviewWaitTimerKind.Name));

        // The leader owes DUCA's approval and hears of HND stuck in review: one mail with both.
        await _desk.SweepAtAsync("2026-11-26 09:00");
        digest = Assert.Single(await _desk.NewDigestsAsync(period));
        Assert.Equal([ReminderDesk.Leader], digest.To);
        Assert.Equal("[Baocao] Nhắc việc: 2 báo cáo cần anh/chị quan tâm", digest.Subject);
        var escalated = digest.Text!.Split("Báo cáo chờ thẩm định quá thời hạn (báo lãnh đạo):")[1].Split("Báo cáo chờ anh/chị xử lý quá thời hạn:");
        Assert.Contains("- Hội Nông dân tỉnh", escalated[0], StringComparison.Ordinal);
        Assert.Contains("- Đảng ủy Công an tỉnh – Báo cáo tháng 11/2026 (chờ ở bước «Lãnh đạo Ban phê duyệt» từ 09:00 ngày 24/11/2026)", escalated[1], StringComparison.Ordinal);
        Assert.DoesNotContain("Hội Cựu chiến binh tỉnh", digest.Text, StringComparison.Ordinal);

        // HCCB comes back on Wednesday 9 December at 15:00. The limit counts working days: Thursday is a holiday, so
        // the reviewer hears on Friday, and the leader after the weekend, on Monday.
        app.Clock.SetUtcNow(_desk.Local("2026-12-09 15:00"));
        await _desk.SubmitAsync(period, "HCCB");
        Assert.Equal([_desk.Local("2026-12-11 15:00"), _desk.Local("2026-12-14 15:00")],
            (await _desk.TimersAsync(period, "HCCB", ReviewWaitTimerKind.Name)).Select(t => t.Due));
    }
}
