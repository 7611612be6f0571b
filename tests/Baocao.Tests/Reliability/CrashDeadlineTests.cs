using System.Globalization;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;

namespace Baocao.Tests.Reliability;

/// <summary>
/// A deadline a few seconds away comes due for a hundred reports, each on its own orchestration's durable timer, while
/// the app runs as its own process on the real clock and the real engine and is killed with SIGKILL twice in the
/// middle of the firings (episodes and activities in flight) and started anew. Every report is flagged overdue exactly
/// once, its history chain intact, and none keeps its deadline timer; the one unit that submitted in time is not.
/// </summary>
public sealed class CrashDeadlineTests(TestApp storage) : IClassFixture<TestApp>
{
    private const string Hub = "BaocaoDeadline";
    private const string PeriodId = "KIEM-TRA-HAN";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A thematic period whose figures ended two days ago and whose deadline is <paramref name="deadline"/>, with no reminder step.</summary>
    private static string Period(DateTimeOffset deadline)
    {
        var today = DateOnly.FromDateTime(deadline.ToOffset(TimeSpan.FromHours(7)).DateTime);
        return $$"""
            { "type": "thematic", "year": {{today.Year}}, "id": "{{PeriodId}}", "name": "Kiểm tra hạn nộp", "dataFrom": "{{today.AddDays(-30):yyyy-MM-dd}}", "dataTo": "{{today.AddDays(-2):yyyy-MM-dd}}",
              "templateCode": "SK6T", "deadline": "{{deadline.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}}",
              "scope": { "root": "BDV-TU" }, "reminders": [],
              "stages": [ { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] } ] }
            """;
    }

    private async Task<int> OverdueAsync() => (await storage.Stored.InstancesOfPeriodAsync(PeriodId)).Count(i => i.Overdue);

    [Fact]
    public async Task Every_report_is_flagged_overdue_exactly_once_when_the_firings_are_killed_twice_midway()
    {
        var settings = AppProcess.KillableEngineSettings(storage.Azurite.ConnectionString, Hub);
        // One firing at a time, so the firings last long enough to be killed midway.
        settings["AzureFunctionsJobHost__extensions__durableTask__maxConcurrentActivityFunctions"] = "1";
        await using var app = await AppProcess.StartBuiltAsync(settings, Ct);
        using var admin = app.Admin();
        (await admin.PostJsonAsync("/api/catalog/units/import", Communes.Json(100))).EnsureSuccessStatusCode();
        (await admin.PostJsonAsync("/api/catalog/periods", Period(DateTimeOffset.UtcNow.AddSeconds(40)))).EnsureSuccessStatusCode();
        (await admin.PostAsync($"/api/catalog/periods/{PeriodId}/open", null, Ct)).EnsureSuccessStatusCode();
        var inScope = (await (await admin.GetAsync("/api/catalog/units", Ct)).ReadAsAsync<List<Baocao.Catalog.OrgUnit>>()).Count(u => u.Active && u.Parent is not null);
        await Eventually.UntilAsync(async () => await storage.Stored.ReportsWithTimerAsync(PeriodId, DeadlineTimer.Name) == inScope,
            $"the period's {inScope} reports with their deadline timers", TimeSpan.FromMinutes(2));
        var key = (await (await admin.PostAsync("/api/catalog/units/MTTQ/keys", null, Ct)).ReadAsAsync<Baocao.Access.IssuedUnitKey>()).Key;
        using (var unit = app.Client().Presenting(key))
        {
            var answer = await unit.PostAsync($"/api/periods/{PeriodId}/reports/MTTQ/submissions", Submitter.Form(), Ct);
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync(Ct));
        }
        var owing = inScope - 1;

        var killedAt = new List<int>();
        foreach (var share in new[] { 0.2, 0.6 })
        {
            var flagged = 0;
            await Eventually.UntilAsync(async () => (flagged = await OverdueAsync()) >= owing * share,
                $"{share:P0} of the {owing} reports flagged", TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(20));
            await app.KillAsync();
            killedAt.Add(flagged);
            await app.RestartAsync(Ct);
        }
        Assert.All(killedAt, flagged => Assert.InRange(flagged, 1, owing - 1));
        TestContext.Current.TestOutputHelper?.WriteLine($"firings of {owing} deadlines killed after {string.Join(" and ", killedAt)}");

        await Eventually.UntilAsync(async () => await OverdueAsync() == owing, $"all {owing} reports flagged", TimeSpan.FromMinutes(3));
        await Eventually.UntilAsync(async () => await storage.Stored.ReportsWithTimerAsync(PeriodId, DeadlineTimer.Name) == 0,
            "every deadline timer gone, the submitted report's too", TimeSpan.FromMinutes(1));
        foreach (var instance in await storage.Stored.InstancesOfPeriodAsync(PeriodId))
        {
            var history = await storage.Stored.HistoryAsync(instance.Id);
            var submitted = instance.UnitCode == "MTTQ";
            Assert.Equal(submitted ? 0 : 1, history.Count(e => e.Trigger == ReportTrigger.FlagOverdue));
            Assert.Equal(!submitted, instance.Overdue);
            Assert.Null(HistoryChain.FirstBroken(history));
        }
    }
}
