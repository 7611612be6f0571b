using System.Runtime.CompilerServices;
using System.Text.Json;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reporting;

/// <summary>
/// The demo period with reports in every state, made over HTTP by the units themselves and moved on through the
/// workflow as reviewers would; plus last half-year's period (2025-H2) with one approved report, to compare against.
/// Arranged once per app; the clock ends one day past the deadline, after one late submission.
/// </summary>
public static class DemoReports
{
    /// <summary>The figure DVK_TONG ("Dân vận khéo" models) each unit reported last, and the state it ends in.</summary>
    public static readonly IReadOnlyList<(string Unit, int Models, ReportState State)> Expected =
    [
        ("HU-DONGSON", 126, ReportState.Approved),
        ("MTTQ", 50, ReportState.Approved),
        ("DUQS", 40, ReportState.AwaitingApproval),
        ("HU-PHULOC", 90, ReportState.InReview),
        ("HU-KIMTHANH", 110, ReportState.Submitted),
        ("HCCB", 30, ReportState.Returned),
        ("LDLD", 20, ReportState.Submitted),
    ];

    public const string Exempted = "HND";
    public const string LateUnit = "LDLD";
    public const string ReturnComment = "Đề nghị bổ sung số mô hình cấp cơ sở.";

    /// <summary>Text a spreadsheet would run as a formula, sent as MTTQ's narrative.</summary>
    public const string FormulaNarrative = "=HYPERLINK(\"http://tan-cong.example\",\"Bấm vào\")";

    public const int PreviousModels = 100;

    private static readonly ConditionalWeakTable<TestApp, Task> Arranged = new();

    public static Task ArrangeAsync(TestApp app)
    {
        lock (Arranged) return Arranged.GetValue(app, a => RunAsync(a));
    }

    /// <summary>The demo report (<see cref="Submitter.GoodReport"/>) with another count of models and, if given, another situation narrative.</summary>
    public static string Report(int models, string? situation = null)
    {
        var report = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Submitter.GoodReport)!;
        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(report["values"].GetRawText())!;
        values["DVK_TONG"] = JsonSerializer.SerializeToElement(models);
        var narratives = JsonSerializer.Deserialize<Dictionary<string, string>>(report["narratives"].GetRawText())!;
        if (situation is not null) narratives["TINH-HINH"] = situation;
        return JsonSerializer.Serialize(new { values, narratives, note = report["note"].GetString() });
    }

    private static async Task RunAsync(TestApp app)
    {
        var ct = TestContext.Current.CancellationToken;
        var engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();
        async Task Submit(string unit, string report, string period = "2026-H1")
        {
            var response = await (await Submitter.ForAsync(app, unit)).SubmitAsync(Submitter.Form(report, ("Báo cáo " + unit + ".pdf", Submitter.Pdf(2000))), period);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
        }
        async Task Fire(string unit, ReportTrigger trigger, string? comment = null, string period = "2026-H1") =>
            Assert.IsType<FireResult.Applied>(await engine.FireAsync(WorkflowEngine.InstanceId(period, unit), new Firing(trigger, "Nguyễn Thị Thu Hà", WorkflowChannel.Link) { Comment = comment }, await app.DurableClientAsync(), ct));

        // Last half-year: one approved report, to compare with.
        var admin = app.Admin();
        var created = await admin.PostJsonAsync("/api/catalog/periods", """
            {"type":"sixMonth","year":2025,"number":2,"templateCode":"SK6T","deadline":"2025-12-20T17:00","scope":{"root":"BDV-TU"},
             "stages":[{"code":"THAM-DINH","name":"Chuyên viên thẩm định","assignees":[{"name":"Nguyễn Thị Thu Hà","email":"thuha.bdv@anhoa.example"}]}]}
            """);
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(ct));
        Assert.True((await admin.PostAsync("/api/catalog/periods/2025-H2/open", null, ct)).IsSuccessStatusCode);
        await app.ReportsStartedAsync("2025-H2");
        await Submit("HU-DONGSON", Report(PreviousModels), "2025-H2");
        foreach (var trigger in new[] { ReportTrigger.Claim, ReportTrigger.Approve, ReportTrigger.Approve }) await Fire("HU-DONGSON", trigger, period: "2025-H2");

        await Submit("HU-DONGSON", Report(126));
        foreach (var trigger in new[] { ReportTrigger.Claim, ReportTrigger.Approve, ReportTrigger.Approve }) await Fire("HU-DONGSON", trigger);
        await Submit("MTTQ", Report(50, FormulaNarrative));
        foreach (var trigger in new[] { ReportTrigger.Claim, ReportTrigger.Approve, ReportTrigger.Approve }) await Fire("MTTQ", trigger);
        await Submit("DUQS", Report(40));
        foreach (var trigger in new[] { ReportTrigger.Claim, ReportTrigger.Approve }) await Fire("DUQS", trigger);
        await Submit("HU-PHULOC", Report(90));
        await Fire("HU-PHULOC", ReportTrigger.Claim);
        await Submit("HU-KIMTHANH", Report(100, "Tình hình ổn định."));
        await Fire("HU-KIMTHANH", ReportTrigger.Claim);
        await Fire("HU-KIMTHANH", ReportTrigger.Return, ReturnComment);
        app.Clock.Advance(TimeSpan.FromHours(2));
        await Submit("HU-KIMTHANH", Report(110, "Tình hình ổn định; đã bổ sung mô hình cấp cơ sở."));
        await Submit("HCCB", Report(30));
        await Fire("HCCB", ReportTrigger.Return, ReturnComment);
        await engine.StartAsync("2026-H1", Exempted, ct);
        await Fire(Exempted, ReportTrigger.Exempt, "Đơn vị đang sáp nhập.");

        // The deadline is 17:00 five days after the start; a day later, one unit submits late.
        app.Clock.Advance(TimeSpan.FromDays(6));
        await Submit(LateUnit, Report(20));
    }
}
