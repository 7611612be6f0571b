using System.Net;
using Baocao.Reminders;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;

namespace Baocao.Tests.Reminders;

/// <summary>Reminders follow the report's state: a return brings them back until the unit resubmits; an exempted unit gets none.</summary>
public sealed class ReminderStateTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_returned_report_is_reminded_again_until_resubmitted_and_an_exempted_unit_never_again()
    {
        var period = await _desk.OpenAsync(4, "2026-12-04T17:00",
        [
            ReminderDesk.Step("-P3D", "unitReportingOfficer", "reminder-before"),
            ReminderDesk.Step("-P1D", "unitReportingOfficer", "reminder-before"),
            ReminderDesk.Step("PT0S", "unitReportingOfficer", "reminder-due"),
        ], ["DUQS", "DUCA"]);
        await _desk.SubmitAsync(period, "DUQS");
        Assert.Empty(await _desk.TimersAsync(period, "DUQS", ReminderTimer.Name));
        Assert.IsType<FireResult.Applied>(await _desk.Engine.FireAsync(WorkflowEngine.InstanceId(period, "DUQS"), new Firing(ReportTrigger.Return, ReminderDesk.Reviewer, WorkflowChannel.Link) { Comment = "Bổ sung số liệu tiếp xúc, đối thoại.", SeenState = ReportState.Submitted }, await app.DurableClientAsync(), Ct));
        Assert.Equal(3, (await _desk.TimersAsync(period, "DUQS", ReminderTimer.Name)).Count);
        var exempt = await _desk.Admin.PostJsonAsync($"/api/instances/{WorkflowEngine.InstanceId(period, "DUCA")}/raise-event",
            """{ "event": "exempt", "reason": "Đơn vị sáp nhập, không phải báo cáo kỳ này." }""");
        Assert.Equal(HttpStatusCode.OK, exempt.StatusCode);
        Assert.Empty(await _desk.TimersAsync(period, "DUCA", ReminderTimer.Name));

        await _desk.SweepAtAsync("2026-12-01 17:00");
        Assert.Equal(["nghia.quansu@anhoa.example"], await _desk.NewRecipientsAsync(period));

        await _desk.SubmitAsync(period, "DUQS");
        foreach (var at in new[] { "2026-12-03 17:00", "2026-12-04 17:00", "2026-12-07 17:00" })
        {
            await _desk.SweepAtAsync(at);
            Assert.Empty(await _desk.NewRecipientsAsync(period));
        }
        Assert.False((await _desk.ViewAsync(period, "DUQS")).Instance.Overdue);
    }
}
