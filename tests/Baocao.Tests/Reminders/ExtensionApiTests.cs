using System.Net;
using Baocao.Reminders;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;

namespace Baocao.Tests.Reminders;

/// <summary>Extensions (gia hạn) over the API: refusals, and every bad request refused without a write.</summary>
public sealed class ExtensionApiTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);

    private static string[] Steps =>
        [ReminderDesk.Step("-P1D", "unitReportingOfficer", "reminder-before"), ReminderDesk.Step("P1D", "unitHead", "escalation")];

    private static string RequestPath(string period, string unit) => $"/api/periods/{period}/reports/{unit}/extension-requests";

    [Fact]
    public async Task A_refused_request_keeps_the_deadline_and_a_refusal_without_a_request_is_a_conflict()
    {
        var period = await _desk.OpenAsync(7, "2026-12-02T17:00", Steps, ["HND"]);
        var id = WorkflowEngine.InstanceId(period, "HND");
        var unit = await Submitter.ForAsync(app, "HND");
        await (await unit.Client.PostJsonAsync(RequestPath(period, "HND"),
            """{ "until": "2026-12-20T17:00", "reason": "Xin nộp muộn.", "kind": "late-submission" }""")).ReadAsAsync<FiledRequest>();

        var refused = await _desk.Admin.PostJsonAsync($"/api/instances/{id}/extension/refusal", """{ "reason": "Đã đủ thời gian." }""");
        Assert.Null((await refused.ReadAsAsync<WorkflowInstance>()).Deadline);
        await _desk.DeliverAllAsync();
        var decided = (await _desk.MailsAsync(ExtensionMail.Category)).Where(m => m.Subject!.Contains("Không chấp nhận", StringComparison.Ordinal)).ToList();
        Assert.Equal(["pau.nongdan@anhoa.example", "tai.nongdan@anhoa.example"], decided.SelectMany(m => m.To).Order());
        var refusal = decided.Single(m => m.To.Single() == "pau.nongdan@anhoa.example");
        Assert.StartsWith("Kính gửi Lò Văn Pấu,", refusal.Text, StringComparison.Ordinal);
        Assert.Equal("[Baocao] Không chấp nhận đề nghị gia hạn: Báo cáo tháng 7/2026", refusal.Subject);
        Assert.Contains("không chấp nhận đề nghị gia hạn nộp Báo cáo tháng 7/2026 của Hội Nông dân tỉnh. Hạn nộp vẫn là 17:00 ngày 02/12/2026.",
            refusal.Text, StringComparison.Ordinal);
        Assert.Equal(2, (await _desk.TimersAsync(period, "HND", ReminderTimer.Name)).Count);
        var before = await app.SnapshotAsync();
        await (await _desk.Admin.PostJsonAsync($"/api/instances/{id}/extension/refusal", """{ "reason": "Lần nữa." }"""))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "no-pending-request");
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Bad_requests_for_extension_are_refused_and_write_nothing()
    {
        var period = await _desk.OpenAsync(8, "2026-12-02T17:00", Steps, ["HCCB", "LDLD"]);
        var unit = await Submitter.ForAsync(app, "HCCB");
        var before = await app.SnapshotAsync();
        foreach (var (body, code) in new (string, string?)[]
        {
            ("""{ "until": "2026-12-20T17:00" }""", "reason-required"),
            ("""{ "until": "ngày mai", "reason": "Lũ." }""", "invalid-deadline"),
            ("""{ "until": "2026-11-30T17:00", "reason": "Lũ." }""", "deadline-not-later"),
            ("""{ "until": "2026-12-20T17:00", "reason": "Lũ.", "kind": "forever" }""", "invalid-kind"),
            ("""{ "until": "2026-12-20T17:00", "reason": "Lũ.", "extra": 1 }""", null),
        })
        {
            await (await unit.Client.PostJsonAsync(RequestPath(period, "HCCB"), body))
                .ShouldBeProblemAsync(code is null ? HttpStatusCode.BadRequest : HttpStatusCode.UnprocessableEntity, code);
        }
        // Another unit's report is not this key's to ask for.
        await (await unit.Client.PostJsonAsync(RequestPath(period, "LDLD"), """{ "until": "2026-12-20T17:00", "reason": "Lũ." }"""))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Bad_grants_are_refused_and_write_nothing()
    {
        var period = await _desk.OpenAsync(9, "2026-12-02T17:00", Steps, ["HLHPN"]);
        var before = await app.SnapshotAsync();
        foreach (var (body, code) in new[]
        {
            ("""{ "reason": "Đồng ý." }""", "invalid-deadline"),
            ("""{ "deadline": "2026-12-09T17:00" }""", "reason-required"),
            ("""{ "deadline": "2026-12-01T17:00", "reason": "Sớm hơn hạn cũ." }""", "deadline-not-later"),
        })
        {
            await (await _desk.Admin.PostJsonAsync($"/api/instances/{WorkflowEngine.InstanceId(period, "HLHPN")}/extension", body))
                .ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, code);
        }
        await (await _desk.Admin.PostJsonAsync($"/api/instances/{period}~KHONG-CO/extension", """{ "deadline": "2026-12-09T17:00", "reason": "Đồng ý." }"""))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_submitted_report_gets_no_extension()
    {
        var period = await _desk.OpenAsync(10, "2026-12-02T17:00", Steps, ["TINHDOAN"]);
        await _desk.SubmitAsync(period, "TINHDOAN");
        var before = await app.SnapshotAsync();
        await (await _desk.Admin.PostJsonAsync($"/api/instances/{WorkflowEngine.InstanceId(period, "TINHDOAN")}/extension",
            """{ "deadline": "2026-12-09T17:00", "reason": "Đồng ý." }""")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "not-owing");
        await app.AssertUnchangedSinceAsync(before);
    }
}
