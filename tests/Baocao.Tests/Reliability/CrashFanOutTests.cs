using Baocao.Catalog;
using Baocao.Hosting;
using Baocao.Storage;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;

namespace Baocao.Tests.Reliability;

/// <summary>
/// A period opens for a province of a few hundred units while the app, running as its own process on the real durable
/// engine, is killed with SIGKILL in the middle of the fan-out (episodes and activities in flight) and started anew.
/// Every unit in scope ends with exactly its one report, with its deadline timer and its orchestration, and the
/// period's orchestration waits again.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class CrashFanOutTests(TestApp storage) : IClassFixture<TestApp>
{
    private const string Hub = "BaocaoCrash";

    private const string PeriodId = "2026-M01";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Period = """
        { "type": "month", "year": 2026, "number": 1, "templateCode": "SK6T", "deadline": "2026-12-20T17:00", "scope": { "root": "BDV-TU" },
          "stages": [ { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] } ] }
        """;

    private Task<IReadOnlyList<WorkflowInstance>> InstancesAsync() => storage.Stored.InstancesOfPeriodAsync(PeriodId);

    [Fact]
    public async Task Every_unit_gets_exactly_its_report_when_the_fan_out_is_killed_twice_midway()
    {
        var count = 300 * ReliabilityScale.Factor;
        var settings = AppProcess.KillableEngineSettings(storage.Azurite.ConnectionString, Hub);
        // One batch of reports at a time: the fan-out then lasts long enough on a machine of its own to be killed midway.
        settings["AzureFunctionsJobHost__extensions__durableTask__maxConcurrentActivityFunctions"] = "1";
        await using var app = await AppProcess.StartBuiltAsync(settings, Ct);
        using var admin = app.Admin();
        (await admin.PostJsonAsync("/api/catalog/units/import", Communes.Json(count))).EnsureSuccessStatusCode();
        (await admin.PostJsonAsync("/api/catalog/periods", Period)).EnsureSuccessStatusCode();
        var inScope = (await (await admin.GetAsync("/api/catalog/units", Ct)).ReadAsAsync<List<OrgUnit>>())
            .Where(u => u.Active && u.Parent is not null).Select(u => u.Code).Order(StringComparer.Ordinal).ToList();

        (await admin.PostAsync($"/api/catalog/periods/{PeriodId}/open", null, Ct)).EnsureSuccessStatusCode();
        var killedAt = new List<int>();
        foreach (var share in new[] { 0.2, 0.6 })
        {
            var made = 0;
            await Eventually.UntilAsync(async () => (made = (await InstancesAsync()).Count) >= inScope.Count * share,
                $"{share:P0} of the {inScope.Count} reports", TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(20));
            await app.KillAsync();
            killedAt.Add(made);
            await app.RestartAsync(Ct);
        }
        Assert.All(killedAt, made => Assert.InRange(made, 1, inScope.Count - 1));
        TestContext.Current.TestOutputHelper?.WriteLine($"fan-out of {inScope.Count} reports killed after {string.Join(" and ", killedAt)}");

        await Eventually.UntilAsync(async () => (await InstancesAsync()).Count >= inScope.Count, $"all {inScope.Count} reports", TimeSpan.FromMinutes(3));
        var instances = await InstancesAsync();
        Assert.Equal(inScope, instances.Select(i => i.UnitCode).Order(StringComparer.Ordinal));
        Assert.All(instances, i => Assert.Equal((ReportState.NotStarted, 0), (i.State, i.Sequence)));
        Assert.Equal(inScope.Count, await storage.Stored.ReportsWithTimerAsync(PeriodId, DeadlineTimer.Name));

        // Every report gets its orchestration: an activity a kill cut short runs again once its message is visible again.
        foreach (var instance in instances)
        {
            await Eventually.UntilAsync(async () => await storage.Stored.OrchestrationAsync(Hub, instance.Id) is ("Pending" or "Running", _),
                $"{instance.Id}'s orchestration running", TimeSpan.FromMinutes(1));
        }

        // The orchestration survived both kills and waits for the period's next signal.
        await Eventually.UntilAsync(async () => await storage.Stored.OrchestrationAsync(Hub, PeriodId) is ("Running", { } custom) && custom.Contains("\"open\":true"),
            "the period's orchestration running and waiting for an open period's next signal", TimeSpan.FromMinutes(2));
    }
}
