using Baocao.Reminders;
using Baocao.Workflow;

namespace Baocao.Tests.Reminders;

/// <summary>
/// The reviewer's SLA along a longer chain: a stage in the middle has its own limit and escalation, and the next
/// approval hands the wait on. A class of its own, so its clock starts where the fixture starts it.
/// </summary>
public sealed class MiddleStageWaitTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_middle_stage_has_its_own_wait_which_the_next_approval_hands_to_the_stage_after_it()
    {
        const string deputy = "ntlan.phoban@anhoa.example";
        var period = await _desk.OpenAsync(10, "2026-12-18T17:00", [], ["TINHDOAN"], $$"""
            [ { "code": "CHAM", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] },
              { "code": "PHO-BAN", "name": "Phó Trưởng ban xem xét", "assignees": [ { "name": "Nguyễn Thị Lan", "email": "{{deputy}}" } ] },
              { "code": "PHE-DUYET", "name": "Lãnh đạo Ban phê duyệt", "assignees": [ { "name": "Trần Văn Dũng", "email": "tvdung.truongban@anhoa.example" } ] } ]
            """);
        await _desk.SubmitAsync(period, "TINHDOAN");
        var id = WorkflowEngine.InstanceId(period, "TINHDOAN");

        // The first stage hands it on at once (Tuesday 24 November 09:00): the deputy's two working days start now,
        // and the approver hears after four, past the weekend.
        Assert.IsType<FireResult.Applied>(await _desk.Engine.FireAsync(id, new Firing(ReportTrigger.Approve, ReminderDesk.Reviewer, WorkflowChannel.Link) { SeenState = ReportState.Submitted }, await app.DurableClientAsync(), Ct));
        Assert.Equal([_desk.Local("2026-11-26 09:00"), _desk.Local("2026-11-30 09:00")],
            (await _desk.TimersAsync(period, "TINHDOAN", ReviewWaitTimerKind.Name)).Select(t => t.Due));

        await _desk.SweepAtAsync("2026-11-26 09:00");
        var digest = Assert.Single(await _desk.NewDigestsAsync(period));
        Assert.Equal([deputy], digest.To);
        Assert.Contains("(chờ ở bước «Phó Trưởng ban xem xét» từ 09:00 ngày 24/11/2026)", digest.Text, StringComparison.Ordinal);

        // The deputy approves on Friday 27 November 10:00: the wait moves to the approver's stage, with no escalation.
        app.Clock.SetUtcNow(_desk.Local("2026-11-27 10:00"));
        Assert.IsType<FireResult.Applied>(await _desk.Engine.FireAsync(id, new Firing(ReportTrigger.Approve, deputy, WorkflowChannel.Link) { SeenState = ReportState.InReview }, await app.DurableClientAsync(), Ct));
        Assert.Equal([_desk.Local("2026-12-01 10:00")], (await _desk.TimersAsync(period, "TINHDOAN", ReviewWaitTimerKind.Name)).Select(t => t.Due));
        await _desk.SweepAtAsync("2026-11-30 09:00");
        Assert.Empty(await _desk.NewDigestsAsync(period));
    }
}
