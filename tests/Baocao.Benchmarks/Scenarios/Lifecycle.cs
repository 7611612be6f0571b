using Baocao.Catalog;
using Baocao.Workflow;

namespace Baocao.Benchmarks.Scenarios;

/// <summary>
/// The storage requests of one report's whole life: its share of opening the period, a timer firing, the
/// submission, and the reviewer's and the leader's decisions. docs/durable-cost.md sets these beside what the
/// Durable Functions Azure Storage provider needs for the same orchestration.
/// </summary>
public static class Lifecycle
{
    public static async Task<IReadOnlyList<Result>> RunAsync(BenchmarkApp app, CancellationToken ct)
    {
        var (unit, key) = (await app.AddDistrictsAsync(1, ct))[0];
        var catalog = app.Service<CatalogService>();
        var engine = app.Service<WorkflowEngine>();
        var lines = new List<(string Step, int Requests)>();

        async Task Count(string step, Func<Task> work)
        {
            var before = app.Requests.Snapshot();
            await work();
            lines.Add((step, app.Requests.Since(before).Where(r => r.Key != StorageRequestCounter.AttachmentBlock).Sum(r => r.Value)));
        }

        var draft = new PeriodDraft(PeriodType.Thematic, 2026, "SK6T", $"{DateTime.UtcNow.AddDays(20):yyyy-MM-dd}T17:00", new PeriodScope(Units: [unit]),
            [new ReviewStage("THAM-DINH", "Chuyên viên thẩm định", [new Contact("Nguyễn Thị Thu Hà", "thuha.bdv@anhoa.example")])],
            Id: "CD-BENCH-LIFE", Name: "Chuyên đề đo chi phí", DataFrom: DateOnly.FromDateTime(DateTime.UtcNow.AddMonths(-2)), DataTo: DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)));
        Require(await catalog.CreatePeriodAsync(draft, ct));
        var id = WorkflowEngine.InstanceId("CD-BENCH-LIFE", unit);
        var workflow = await app.Service<Baocao.LocalHost.Durable.LocalDurableEngine>().ClientAsync(ct);
        // The period's orchestration starts the report in the background; the step ends once the report is there
        // (the engine's own polling of its queues counts too, as it would in Azure).
        await Count("open the period (fan-out, one unit)", async () =>
        {
            Require(await catalog.MovePeriodAsync("CD-BENCH-LIFE", PeriodStatus.Open, workflow, ct));
            while (await engine.GetAsync(id, ct) is null) await Task.Delay(50, ct);
        });
        using var client = app.Client(key);
        await Count("submit (no attachment)", async () =>
            Measure.EnsureSuccess(await client.PostAsync($"/api/periods/CD-BENCH-LIFE/reports/{unit}/submissions", Reports.Form(Reports.Good), ct), "submission"));
        await Count("reviewer claims", () => engine.FireAsync(id, new Firing(ReportTrigger.Claim, "Nguyễn Thị Thu Hà", WorkflowChannel.Link) { SeenState = ReportState.Submitted }, workflow, ct));
        await Count("reviewer approves", () => engine.FireAsync(id, new Firing(ReportTrigger.Approve, "Nguyễn Thị Thu Hà", WorkflowChannel.Link) { SeenState = ReportState.InReview }, workflow, ct));
        await Count("leader approves", () => engine.FireAsync(id, new Firing(ReportTrigger.Approve, "Trần Văn Dũng", WorkflowChannel.Link) { SeenState = ReportState.AwaitingApproval }, workflow, ct));
        foreach (var (step, requests) in lines) Console.WriteLine($"lifecycle: {step,-40} {requests,3} requests");
        var total = lines.Sum(l => l.Requests);
        return [new("5. lifecycle cost", total, "requests", null, null, $"{total} storage requests: " + string.Join("; ", lines.Select(l => $"{l.Step} {l.Requests}")) + " (timer firings: see scenario 4)", "see docs/durable-cost.md", true)];
    }

    private static void Require<T>(Baocao.Hosting.Outcome<T> outcome)
    {
        if (outcome.Problem is { } problem) throw new InvalidOperationException(problem.ProblemDetails.Detail);
    }
}
