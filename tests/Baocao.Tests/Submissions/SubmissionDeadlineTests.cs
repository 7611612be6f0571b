using System.Net;
using System.Text.Json;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Submissions;

/// <summary>Submissions as the clock moves past deadlines; this class owns its app because it moves the clock.</summary>
public sealed class SubmissionDeadlineTests(DemoApp app) : IClassFixture<DemoApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deadlines_mark_late_submissions_refuse_them_after_a_hard_close_and_idempotency_keys_expire()
    {
        var admin = app.Admin();
        var month = """
            { "type": "month", "year": 2026, "number": 11, "templateCode": "SK6T", "deadline": "2026-11-25T17:00", "hardClose": true,
              "scope": { "root": "BDV-TU" },
              "stages": [ { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] } ] }
            """;
        var period = await (await admin.PostJsonAsync("/api/catalog/periods", month)).ReadAsAsync<JsonElement>();
        var monthId = period.GetProperty("id").GetString()!;
        await (await admin.PostAsync($"/api/catalog/periods/{monthId}/open", null, Ct)).ReadAsAsync<JsonElement>();
        await app.ReportsStartedAsync(monthId);
        var unit = await Submitter.ForAsync(app, "MTTQ");
        var key = Guid.NewGuid().ToString();
        var onTime = await (await unit.SubmitAsync(Submitter.Form(), monthId)).ReadAsAsync<SubmissionReceipt>();
        Assert.False(onTime.Late);
        Assert.Equal(1, (await (await unit.SubmitAsync(Submitter.Form(), idempotencyKey: key)).ReadAsAsync<SubmissionReceipt>()).Version);

        // Two days on: past the month's hard close (25/11 17:00), inside the six-month deadline (29/11 17:00).
        app.Clock.Advance(TimeSpan.FromDays(2));
        var before = await app.SnapshotAsync();
        var refused = await (await unit.SubmitAsync(Submitter.Form(), monthId)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "deadline-passed");
        Assert.Contains("quá hạn", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await app.AssertUnchangedSinceAsync(before);

        // The key was kept 24 hours: now it is forgotten, and the same report makes a new version.
        var again = await (await unit.SubmitAsync(Submitter.Form(), idempotencyKey: key)).ReadAsAsync<SubmissionReceipt>();
        Assert.Equal(2, again.Version);

        // Past the six-month deadline, which takes late reports: accepted, marked late.
        app.Clock.Advance(TimeSpan.FromDays(5));
        var late = await (await unit.SubmitAsync(Submitter.Form())).ReadAsAsync<SubmissionReceipt>();
        Assert.True(late.Late);
        var report = await (await unit.Client.GetAsync(unit.ReportPath(), Ct)).ReadAsAsync<ReportView>();
        Assert.True(report.Late);
        Assert.Equal([false, false, true], report.Versions.Select(v => v.Late));
    }
}
