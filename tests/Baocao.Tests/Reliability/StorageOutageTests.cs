using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Baocao.Hosting;
using Baocao.Mail;
using Baocao.Storage;
using Baocao.Submissions;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baocao.Tests.Reliability;

/// <summary>The demo province with its storage kept in a folder, so Azurite can go away and come back with its data.</summary>
public sealed class DemoAppWithDurableStorage : TestApp
{
    protected override bool SeedDemoData => true;
    protected override bool PersistsStorage => true;
}

/// <summary>
/// Storage goes away in the middle of traffic. The app answers 503 with Retry-After within a bounded time (no 500, no
/// request left hanging), health names what is down, and once storage is back the app serves again by itself and
/// nothing is lost or doubled. Each way storage can go away is a test class of its own.
/// </summary>
public abstract class StorageOutageScenario<TApp>(TApp app) where TApp : TestApp
{
    protected const string Period = "2026-H1";
    private const string DuringTheOutage = "Nộp trong lúc kho dữ liệu gián đoạn.";
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(15);
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected TApp App { get; } = app;

    /// <summary>The scenario's row in the figures.</summary>
    protected abstract string Scenario { get; }

    protected abstract Task BeginOutageAsync();

    protected abstract Task EndOutageAsync();

    [Fact]
    public async Task Requests_during_a_storage_outage_get_503_with_Retry_After_quickly_and_the_app_recovers_losing_nothing()
    {
        var scale = ReliabilityScale.Factor;
        var units = ReliabilityScale.Units(Math.Min(8, 2 + scale));
        var perUnit = 4 * scale;
        var figures = new Figures(Scenario);
        var submitters = new Dictionary<string, Submitter>();
        foreach (var unit in units) submitters[unit] = await Submitter.IssueAsync(App, unit);

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

        await Eventually.UntilAsync(() => acknowledged.Count >= units.Length * perUnit / 2, "half of the submissions acknowledged",
            TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(10));
        await BeginOutageAsync();
        figures.CountFault();
        outage.SetResult();

        // While storage is away: a read and a write each get a 503 in bounded time that says to come back, and health
        // says what is down.
        using var admin = App.Admin();
        var duringTheOutage = Submitter.GoodReport.Replace("Báo cáo gửi đúng hạn.", DuringTheOutage, StringComparison.Ordinal);
        var healthCheck = TimedAsync(() => App.Anonymous().GetAsync("/api/health", Ct));
        var during = await Task.WhenAll(
            TimedAsync(() => admin.GetAsync($"/api/periods/{Period}/reports/HU-DONGSON", Ct)),
            TimedAsync(() => submitters[units[0]].SubmitAsync(Submitter.Form(duringTheOutage), Period, "trong-luc-mat-kho")));
        foreach (var (response, took) in during)
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "storage-unavailable");
            Assert.Equal(StorageOutage.RetryAfter, response.Headers.RetryAfter?.Delta);
            Assert.True(took < AnswerWithin, $"answered after {took}");
        }
        var (healthResponse, healthTook) = await healthCheck;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthResponse.StatusCode);
        var health = await healthResponse.Content.ReadFromJsonAsync<HealthReport>(JsonBody.Strict.ForReading(), Ct);
        Assert.Equal(("unhealthy", "unreachable", "unreachable", "unreachable"),
            (health!.Status, health.Storage["tables"], health.Storage["blobs"], health.Storage["queues"]));
        Assert.True(healthTook < AnswerWithin, $"health answered after {healthTook}");

        // Clients keep trying through the outage; then storage returns and the app serves again, with no manual step.
        // The outage lasting real time is the behaviour under test, so this wait is a length of outage, not a guess.
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        await EndOutageAsync();
        await Task.WhenAll(traffic);
        Assert.Equal(HttpStatusCode.OK, (await App.Anonymous().GetAsync("/api/health", Ct)).StatusCode);
        // The write refused during the outage may have been kept all the same (storage that took it and never answered);
        // sent again with its Idempotency-Key, it is one version either way.
        Assert.Equal(HttpStatusCode.Created, (await submitters[units[0]].SubmitAsync(Submitter.Form(duringTheOutage), Period, "trong-luc-mat-kho")).StatusCode);

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
            Assert.Equal(perUnit + (unit == units[0] ? 1 : 0), report.Versions.Count);
        }
        Assert.Single((await (await admin.GetAsync(submitters[units[0]].ReportPath(Period), Ct)).ReadAsAsync<ReportView>()).Versions, v => v.Note == DuringTheOutage);
        // Work committed while the queue was away is announced again by the sweep and delivered; a delivery claim that
        // storage kept without answering (so it was never released) has lapsed by then, as it would in time.
        App.Clock.Advance(new[] { OutboxQueue.RecoveryDelay, OutboxDispatcher.ClaimLease }.Max() + TimeSpan.FromMinutes(1));
        await App.Factory.Services.GetRequiredService<TimerSweeper>().SweepAsync(Ct);
        await App.DeliverOutboxAsync();
        var engine = App.Factory.Services.GetRequiredService<WorkflowEngine>();
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

/// <summary>Azurite stops: its ports refuse connections, until it starts again on them with the data it kept.</summary>
public sealed class StorageOutageTests(DemoAppWithDurableStorage app)
    : StorageOutageScenario<DemoAppWithDurableStorage>(app), IClassFixture<DemoAppWithDurableStorage>
{
    protected override string Scenario => "storage: Azurite stopped mid-traffic";

    protected override Task BeginOutageAsync() => App.StopStorageAsync().AsTask();

    protected override Task EndOutageAsync() => App.StartStorageAgainAsync();
}

/// <summary>
/// Azurite freezes (SIGSTOP): connections are still taken, but no request is ever answered, as storage that hangs.
/// Only each try's network timeout ends a request; then Azurite goes on (SIGCONT) with all it held.
/// </summary>
public sealed class BlackHoledStorageTests(DemoApp app) : StorageOutageScenario<DemoApp>(app), IClassFixture<DemoApp>
{
    protected override string Scenario => "storage: Azurite frozen, never answering";

    protected override Task BeginOutageAsync() => App.Azurite.PauseAsync();

    protected override Task EndOutageAsync() => App.Azurite.ResumeAsync();

    /// <summary>
    /// The local host's queue and timer triggers, as the Functions host's. A poll or a sweep that storage never
    /// answers fails at its timeout and is logged; the loops go on (a loop that threw would stop the whole app), and
    /// once storage answers, the queue loop delivers the mail of a report submitted meanwhile, with no manual step.
    /// </summary>
    [Fact]
    public async Task The_local_trigger_loops_outlive_storage_that_never_answers_and_deliver_once_it_answers()
    {
        await using var local = App.Factory.WithWebHostBuilder(web =>
        {
            web.UseSetting(Baocao.LocalHost.FunctionSettings.DisabledSetting("TimerSweep"), "false");
            web.UseSetting(Baocao.LocalHost.FunctionSettings.DisabledSetting("OutboxDispatch"), "false");
            web.UseSetting("Storage:NetworkTimeout", "00:00:01");
        });
        var loops = local.Services.GetServices<IHostedService>().Where(s => s is Baocao.LocalHost.QueueTriggers or Baocao.LocalHost.TimerTriggers).Cast<BackgroundService>().ToList();
        Assert.Equal(2, loops.Count);
        var stopping = local.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        // This instance provisions storage at start; the outage begins once it is ready, as for an app already running.
        await local.Services.GetRequiredService<StorageReadiness>().Ready.WaitAsync(Ct);

        await App.Azurite.PauseAsync();
        // Long enough on the test clock for both loops to poll and sweep, and in real time for their tries to time out.
        for (var second = 0; second < 8; second++)
        {
            App.Clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        }
        await App.Azurite.ResumeAsync();
        Assert.All(loops, loop => Assert.False(loop.ExecuteTask!.IsCompleted, $"{loop.GetType().Name} ended: {loop.ExecuteTask.Exception}"));
        Assert.False(stopping.IsCancellationRequested, "the app is stopping");

        var unit = (await Submitter.ForAsync(App, "HLHPN")).Through(local);
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form(), Period)).StatusCode);
        var mailbox = local.Services.GetRequiredService<LocalMailbox>();
        // The loops poll on the test clock: it moves on while the mail is awaited. Storage just back may still be slow to
        // answer the first try (a 1 s timeout here), and the queue shows a failed message again only after its 30 s
        // visibility time-out in real time, so the wait leaves room for one retry.
        await Eventually.UntilAsync(async () =>
        {
            if ((await mailbox.AllAsync(Ct)).Any(m => m.CustomArgs["instanceId"] == $"{Period}~HLHPN")) return true;
            App.Clock.Advance(TimeSpan.FromSeconds(30));
            return false;
        }, "the receipt mail delivered by the local host's loops", TimeSpan.FromSeconds(75));
        Assert.Single(await mailbox.AllAsync(Ct), m => m.CustomArgs["instanceId"] == $"{Period}~HLHPN");
    }
}
