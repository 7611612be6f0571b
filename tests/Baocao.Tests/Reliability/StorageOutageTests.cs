using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Azure.Storage.Queues;
using Baocao.Hosting;
using Baocao.Storage;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Reliability;

/// <summary>The demo province with its storage kept in a folder, so Azurite can go away and come back with its data.</summary>
public sealed class DemoAppWithDurableStorage : TestApp
{
    protected override bool SeedDemoData => true;
    protected override bool PersistsStorage => true;
}

/// <summary>
/// Azurite stops in the middle of traffic. The app answers 503 with Retry-After at once (no 500, no request left
/// hanging), health names what is down, and once Azurite is back the app serves again by itself and nothing is lost.
/// </summary>
public sealed class StorageOutageTests(DemoAppWithDurableStorage app) : IClassFixture<DemoAppWithDurableStorage>
{
    private const string Period = "2026-H1";
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(15);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_during_a_storage_outage_get_503_with_Retry_After_quickly_and_the_app_recovers_losing_nothing()
    {
        var scale = ReliabilityScale.Factor;
        var units = ReliabilityScale.Units(Math.Min(8, 2 + scale));
        var perUnit = 4 * scale;
        var figures = new Figures("storage: Azurite stopped mid-traffic");
        var submitters = new Dictionary<string, Submitter>();
        foreach (var unit in units) submitters[unit] = await Submitter.IssueAsync(app, unit);

        var acknowledged = new ConcurrentDictionary<string, SubmissionReceipt>();
        var outage = new TaskCompletionSource();
        var clients = new ConcurrentBag<PatientClient>();
        var traffic = units.Select(unit => Task.Run(async () =>
        {
            var client = new PatientClient(submitters[unit].Client, figures, AnswerWithin);
            clients.Add(client);
            for (var n = 1; n <= perUnit; n++)
            {
                var key = $"{unit}-{n}";
                var report = Submitter.GoodReport.Replace("Báo cáo gửi đúng hạn.", $"Lần nộp {n} của {unit}.", StringComparison.Ordinal);
                using var response = await client.SendAsync(() =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Post, submitters[unit].ReportPath(Period) + "/submissions")
                        { Content = Submitter.Form(report, ($"Phụ lục {n}.pdf", Submitter.Pdf(32 * 1024))) };
                    request.Headers.Add(SubmissionsApi.IdempotencyHeader, key);
                    return request;
                }, Ct);
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
                acknowledged[key] = await response.ReadAsAsync<SubmissionReceipt>();
                figures.CountAcknowledged();
                // Half of each unit's work goes in before the outage, the rest meets it.
                if (n == perUnit / 2) await outage.Task;
            }
        }, Ct)).ToList();

        while (acknowledged.Count < units.Length * perUnit / 2) await Task.Delay(10, Ct);
        await app.StopStorageAsync();
        figures.CountFault();
        outage.SetResult();

        // While storage is away: a read and a write each get a prompt 503 that says to come back, and health says what is down.
        using var admin = app.Admin();
        var during = await Task.WhenAll(
            TimedAsync(() => admin.GetAsync($"/api/periods/{Period}/reports/HU-DONGSON", Ct)),
            TimedAsync(() => submitters[units[0]].SubmitAsync(Submitter.Form(), Period, "trong-luc-mat-kho")));
        foreach (var (response, took) in during)
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "storage-unavailable");
            Assert.Equal(StorageOutage.RetryAfter, response.Headers.RetryAfter?.Delta);
            Assert.True(took < AnswerWithin, $"answered after {took}");
        }
        var (healthResponse, healthTook) = await TimedAsync(() => app.Anonymous().GetAsync("/api/health", Ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthResponse.StatusCode);
        var health = await healthResponse.Content.ReadFromJsonAsync<HealthReport>(JsonBody.Strict.ForReading(), Ct);
        Assert.Equal(("unhealthy", "unreachable", "unreachable", "unreachable"),
            (health!.Status, health.Storage["tables"], health.Storage["blobs"], health.Storage["queues"]));
        Assert.True(healthTook < AnswerWithin, $"health answered after {healthTook}");

        // Clients keep trying through the outage; then storage returns and the app serves again, with no manual step.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        await app.StartStorageAgainAsync();
        await Task.WhenAll(traffic);
        Assert.Equal(HttpStatusCode.OK, (await app.Anonymous().GetAsync("/api/health", Ct)).StatusCode);

        foreach (var unit in units)
        {
            var report = await (await admin.GetAsync(submitters[unit].ReportPath(Period), Ct)).ReadAsAsync<ReportView>();
            for (var n = 1; n <= perUnit; n++)
            {
                var matching = report.Versions.Where(v => v.Note == $"Lần nộp {n} của {unit}.").ToList();
                if (matching.Count == 0) figures.Lost++;
                figures.Duplicated += Math.Max(0, matching.Count - 1);
                if (matching.Count == 1) Assert.Equal(acknowledged[$"{unit}-{n}"].Version, matching[0].Version);
            }
            Assert.Equal(perUnit, report.Versions.Count);
        }
        // Work committed while the queue was away is announced again by the sweep and delivered.
        app.Clock.Advance(OutboxQueue.RecoveryDelay + TimeSpan.FromMinutes(1));
        await app.Factory.Services.GetRequiredService<TimerSweeper>().SweepAsync(Ct);
        await OutboxDrain.DrainAsync(app.Factory, new QueueClient(app.Azurite.ConnectionString, StorageNames.OutboxQueue), Ct);
        var engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();
        foreach (var unit in units) Assert.Empty(await engine.PendingWorkAsync(WorkflowEngine.InstanceId(Period, unit), Ct));

        figures.Publish();
        var slowest = clients.Max(c => c.SlowestAnswer);
        TestContext.Current.TestOutputHelper?.WriteLine($"slowest answer: {slowest}");
        Assert.True(figures.Unavailable > 0, "no request met the outage");
        Assert.Equal((0, 0, 0), (figures.Lost, figures.Duplicated, figures.ServerErrors));
        Assert.True(slowest < AnswerWithin, $"a request took {slowest}");
    }

    private static async Task<(HttpResponseMessage Response, TimeSpan Took)> TimedAsync(Func<Task<HttpResponseMessage>> send)
    {
        var started = DateTime.UtcNow;
        var response = await send();
        return (response, DateTime.UtcNow - started);
    }
}
