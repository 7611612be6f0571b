using System.Net.Http.Headers;
using Baocao.Mail;
using Baocao.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Baocao.Tests.Infrastructure;

/// <summary>
/// The real app over real HTTP handlers, against its own Azurite (free ports, in memory). One per test class:
/// tests in a class run one after another against the same storage; classes run in parallel on their own.
/// </summary>
public class TestApp : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    /// <summary>Monday 24 November 2026, 09:00 in Hà Nội.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 2, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);
    public LocalAzurite Azurite { get; private set; } = null!;
    public WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> Factory { get; private set; } = null!;

    protected virtual bool SeedDemoData => false;

    /// <summary>Settings a test class wants to differ from the defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Runs on the real clock rather than on <see cref="Clock"/>, for durable timers that must come due by themselves.</summary>
    protected virtual bool UsesRealClock => false;

    /// <summary>Keeps Azurite's data in a folder rather than in memory, so Azurite can be stopped and started again with it.</summary>
    protected virtual bool PersistsStorage => false;

    private string? _storageFolder;

    /// <summary>Serves on a real port (for a browser) rather than in memory; links in mail then lead there.</summary>
    protected virtual bool ServesOverHttp => false;

    /// <summary>Where a browser reaches the app, when it <see cref="ServesOverHttp"/>.</summary>
    public string BaseUrl { get; private set; } = "http://localhost";

    /// <summary>Services a test class adds to the app's own, such as test handlers of trigger functions.</summary>
    protected virtual void AddServices(IServiceCollection services) { }

    public async ValueTask InitializeAsync()
    {
        Azurite = await StartAzuriteAsync();
        var port = ServesOverHttp ? LocalAzurite.FreePort() : 0;
        var settings = new Dictionary<string, string?>(Settings);
        if (ServesOverHttp)
        {
            BaseUrl = $"http://127.0.0.1:{port}";
            settings["Baocao:PublicBaseUrl"] = BaseUrl;
            settings["Mail:SendGridHost"] = BaseUrl + "/api/dev/mail";
            settings["urls"] = BaseUrl;
        }
        Factory = CreateFactory(Azurite.ConnectionString, settings);
        if (ServesOverHttp)
        {
            Factory.UseKestrel();
            Factory.StartServer();
            Factory.ClientOptions.BaseAddress = new Uri(BaseUrl);
        }
        await Factory.Services.GetRequiredService<StorageReadiness>().Ready.WaitAsync(TimeSpan.FromSeconds(60));
        if (SeedDemoData)
        {
            // The demo period is opened by the seeder, which has no durable client; the reconciler starts its reports.
            await ReconcilePeriodsAsync();
            await ReportsStartedAsync(DemoPeriodId);
        }
    }

    /// <summary>The demo province's open period, seeded with the app; its reports are started before a test begins.</summary>
    public string DemoPeriodId => Baocao.Demo.DemoSeeder.PeriodId(
        Baocao.Demo.DemoSeeder.PeriodDraftFor(Baocao.Demo.DemoSeeder.Load(), Factory.Services.GetRequiredService<Baocao.Hosting.PeopleTime>()));

    private Task<LocalAzurite> StartAzuriteAsync()
    {
        _storageFolder = PersistsStorage ? Directory.CreateTempSubdirectory("baocao-azurite-").FullName : null;
        return StartAzuriteOnFreePortsAsync(_storageFolder);
    }

    /// <summary>
    /// Azurite on free ports, keeping its data in <paramref name="location"/> (null: in memory). A port found free can be
    /// taken (by another class's Azurite, or an outgoing connection) before Azurite binds it, and Azurite then exits;
    /// fresh ports fix that.
    /// </summary>
    public static async Task<LocalAzurite> StartAzuriteOnFreePortsAsync(string? location = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await LocalAzurite.StartAsync(Repository.Root, LocalAzurite.FreePort(), LocalAzurite.FreePort(), LocalAzurite.FreePort(),
                    location, TestContext.Current.CancellationToken);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    public WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> CreateFactory(string storage, IReadOnlyDictionary<string, string?> settings) =>
        new WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost>().WithWebHostBuilder(web =>
        {
            web.UseContentRoot(Path.Combine(Repository.Root, "functions"));
            web.UseEnvironment("Testing");
            web.UseSetting("AzureWebJobsStorage", storage);
            // Only what needs a reader reaches the test log, so a failure stays visible in CI's output.
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            // The engine warns whenever Azurite, shared by parallel test classes, takes over 2 s to renew a partition lease.
            web.UseSetting("Logging:LogLevel:DurableTask", "Error");
            web.UseSetting("Baocao:AdminKey", AdminKey);
            // Test classes send bursts from one in-memory address; a class that tests the limits sets its own.
            web.UseSetting("RateLimits:PerKeyPerMinute", "1000000");
            web.UseSetting("RateLimits:PerAddressPerMinute", "1000000");
            web.UseSetting("Baocao:SeedDemoData", SeedDemoData ? "true" : "false");
            web.UseSetting("Baocao:StartLocalAzurite", "false");
            // Tests call the outbox dispatcher and the timer sweep themselves, as the Functions host's triggers would;
            // the host's own switch keeps the local host from triggering them too.
            web.UseSetting(Baocao.LocalHost.FunctionSettings.DisabledSetting("TimerSweep"), "true");
            web.UseSetting(Baocao.LocalHost.FunctionSettings.DisabledSetting("OutboxDispatch"), "true");
            // The period reconciler too: run on start-up it would read the catalogue in the background of every host a
            // test makes, and a test that counts or crashes storage requests would count it.
            web.UseSetting(Baocao.LocalHost.FunctionSettings.DisabledSetting("ReconcilePeriods"), "true");
            // Seconds, not host.json's minute: an orchestration signalled after a quiet spell runs soon after.
            web.UseSetting("AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval", "00:00:01");
            foreach (var (key, value) in settings) web.UseSetting(key, value);
            web.ConfigureServices(services =>
            {
                if (!UsesRealClock) services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
                // The SendGrid client talks to the app's own sink through the in-memory test server (or, served over
                // HTTP, through the socket like any client).
                services.AddSingleton<SendGridTraffic>();
                services.AddHttpClient(MailSetup.HttpClientName)
                    .ConfigureAdditionalHttpMessageHandlers((handlers, provider) => provider.GetRequiredService<SendGridTraffic>().CountAround(handlers))
                    .ConfigurePrimaryHttpMessageHandler(provider =>
                        provider.GetRequiredService<IServer>() is TestServer server ? new GivesUpLikeASocket(server) : new SocketsHttpHandler());
                AddServices(services);
            });
        });

    /// <summary>Storage goes away, as in an outage: Azurite stops and its ports refuse connections.</summary>
    public ValueTask StopStorageAsync() => Azurite.DisposeAsync();

    /// <summary>Storage comes back on the same ports with the data it held (see <see cref="PersistsStorage"/>).</summary>
    public async Task StartStorageAgainAsync()
    {
        Assert.True(PersistsStorage, "only storage kept in a folder comes back with its data");
        Azurite = await LocalAzurite.StartAsync(Repository.Root, Azurite.BlobPort, Azurite.QueuePort, Azurite.TablePort, _storageFolder,
            TestContext.Current.CancellationToken);
    }

    public HttpClient Anonymous() => Factory.CreateClient();

    public HttpClient Admin()
    {
        var client = Factory.CreateClient().Presenting(AdminKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>What the app keeps in storage, asked in its features' words (storage may be restarted, so read anew each time).</summary>
    public StoredRecords Stored => new(Azurite.ConnectionString);

    /// <summary>
    /// The app's records, without the task hub's (the engine's leases and polling change them all the time) and without the
    /// local mailbox's: the sink stands in for SendGrid, a mail is no record of the app's (in Azure it is not in storage at
    /// all), and a test proves what was sent by reading the mailbox. No write of the app escapes: a mail goes out only
    /// through the outbox, whose rows and queue stay in (and every snapshot test passes with the mailbox in, too).
    /// </summary>
    public Task<StorageSnapshot> SnapshotAsync() =>
        StorageSnapshot.TakeAsync(Azurite.ConnectionString, TaskHub, StorageNames.LocalMailTable, StorageNames.LocalMailContainer);

    /// <summary>The task hub the durable engine keeps its tables, queues and containers under (host.json's hubName).</summary>
    public const string TaskHub = "Baocao";

    public Task<DurableTaskClient> DurableClientAsync() =>
        Factory.Services.GetRequiredService<Baocao.LocalHost.Durable.LocalDurableEngine>().ClientAsync(TestContext.Current.CancellationToken);

    /// <summary>
    /// Waits until the period's orchestration has given every unit in its scope a report (it does so in the background
    /// after the open, and again after units are saved into the scope).
    /// </summary>
    public async Task ReportsStartedAsync(string periodId)
    {
        // The orchestration's own look: the units in scope that have no report yet.
        var activities = Factory.Services.GetRequiredService<Baocao.Workflow.PeriodActivities>();
        await Eventually.UntilAsync(async () => (await activities.LookAsync(periodId, TestContext.Current.CancellationToken)).UnitsWithoutReport.Count == 0,
            $"every unit in the scope of {periodId} to have its report");
        var reports = (await Factory.Services.GetRequiredService<Baocao.Workflow.WorkflowEngine>().ListAsync(periodId, TestContext.Current.CancellationToken))
            .Select(i => i.Id).ToHashSet();
        var now = Clock.GetUtcNow();
        await Eventually.UntilAsync(async () => (await ReportClocksAsync()).Count(r => reports.Contains(r.InstanceId) && CaughtUp(r, now)) == reports.Count,
            $"every report of {periodId} to have its orchestration waiting for its next timer");
    }

    /// <summary>Whether a report's orchestration has ended, or looked at or after <paramref name="now"/> and found nothing due.</summary>
    private static bool CaughtUp((string InstanceId, bool Ended, Baocao.Workflow.ReportLook? Look) report, DateTimeOffset now) =>
        report.Ended || report.Look is { } look && look.LookedAt >= now && (look.NextDue is null || look.NextDue > now);

    /// <summary>Every report orchestration in the task hub, with what its last look saw (null before its first).</summary>
    private async Task<IReadOnlyList<(string InstanceId, bool Ended, Baocao.Workflow.ReportLook? Look)>> ReportClocksAsync()
    {
        var client = await DurableClientAsync();
        var found = new List<(string, bool, Baocao.Workflow.ReportLook?)>();
        await foreach (var o in client.GetAllInstancesAsync(new OrchestrationQuery { FetchInputsAndOutputs = true }))
        {
            if (o.Name != nameof(Baocao.Workflow.ReportOrchestration)) continue;
            found.Add((o.InstanceId, o.IsCompleted, o.SerializedCustomStatus is null ? null : o.ReadCustomStatusAs<Baocao.Workflow.ReportLook>()));
        }
        return found;
    }

    /// <summary>
    /// Brings every report's orchestration up to the app's clock after a test moved it, as the real clock would in time:
    /// each is told to look again, and this returns once each has looked at or after the clock's present with nothing
    /// due (it fired what was), or has ended.
    /// </summary>
    public async Task ReportsCaughtUpAsync()
    {
        var client = await DurableClientAsync();
        var now = Clock.GetUtcNow();
        foreach (var report in await ReportClocksAsync())
        {
            if (!report.Ended) await client.RaiseEventAsync(report.InstanceId, Baocao.Workflow.ReportOrchestration.Changed, new Baocao.Workflow.ReportChange("clock-moved"));
        }
        await Eventually.UntilAsync(async () => (await ReportClocksAsync()).All(r => CaughtUp(r, now)),
            "every report orchestration to have fired what the moved clock made due");
    }

    /// <summary>Plans and opens a month period of 2026 whose scope lists <paramref name="units"/>, with one review stage; waits for its reports.</summary>
    public async Task<string> OpenMonthAsync(int month, params string[] units)
    {
        var draft = $$"""
            { "type": "month", "year": 2026, "number": {{month}}, "templateCode": "SK6T", "deadline": "2026-12-20T17:00",
              "scope": { "units": [{{string.Join(",", units.Select(u => $"\"{u}\""))}}] },
              "stages": [ { "code": "THAM-DINH", "name": "Chuyên viên thẩm định", "assignees": [ { "name": "Nguyễn Thị Thu Hà", "email": "thuha.bdv@anhoa.example" } ] } ] }
            """;
        using var admin = Admin();
        var period = await (await admin.PostJsonAsync("/api/catalog/periods", draft)).ReadAsAsync<Baocao.Catalog.Period>();
        (await admin.PostAsync($"/api/catalog/periods/{period.Id}/open", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await ReportsStartedAsync(period.Id);
        return period.Id;
    }

    /// <summary>What the queue trigger does: every announced outbox delivered, until the queue is empty.</summary>
    public Task DeliverOutboxAsync() => OutboxDrain.DrainAsync(Factory, Stored.OutboxQueue, TestContext.Current.CancellationToken);

    /// <summary>Runs the period reconciler now, as its timer would.</summary>
    public Task ReconcilePeriodsAsync() =>
        Factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Baocao.LocalHost.TimerTriggers>().Single()
            .FireNowAsync("ReconcilePeriods", TestContext.Current.CancellationToken);

    /// <summary>Waits until the period's orchestration has ended (after the close: reports marked missed, the period complete).</summary>
    public async Task PeriodSettledAsync(string periodId) =>
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await OrchestrationEndedAsync(Baocao.Workflow.PeriodOrchestration.InstanceId(periodId))).RuntimeStatus);

    /// <summary>Waits (a minute at most) until an orchestration has ended, and returns it with its output.</summary>
    public async Task<OrchestrationMetadata> OrchestrationEndedAsync(string instanceId)
    {
        var client = await DurableClientAsync();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(60));
        return await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, patience.Token);
    }

    /// <summary>Starts a report with the timers given, and its orchestration, as a period's opening does; returns its id.</summary>
    public async Task<string> StartReportAsync(string periodId, string unit, params Baocao.Workflow.DurableTimer[] timers)
    {
        var ct = TestContext.Current.CancellationToken;
        var id = (await Factory.Services.GetRequiredService<Baocao.Workflow.WorkflowEngine>().StartAsync(periodId, unit, ct, timers)).Id;
        await Baocao.Workflow.ReportSignals.StartAsync(await DurableClientAsync(), id, ct);
        return id;
    }

    /// <summary>Proves a request wrote nothing, naming any row, blob or message that changed.</summary>
    public async Task AssertUnchangedSinceAsync(StorageSnapshot before)
    {
        var after = await SnapshotAsync();
        Assert.True(before.Equals(after), "Storage changed:\n" + before.Diff(after));
    }

    public async ValueTask DisposeAsync()
    {
        if (Factory is not null) await Factory.DisposeAsync();
        if (Azurite is not null) await Azurite.DisposeAsync();
        if (_storageFolder is not null) Directory.Delete(_storageFolder, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The in-memory server's handler, made to give up as a socket does. Cancelled mid-request, TestServer aborts the
/// request on the server's side but still hands the client whatever the aborted request answered (a body that throws
/// "Error while copying content to a stream" when read), where a socket's handler throws at once. A client timeout
/// (the resilience pipeline's per-try timeout, for one) must read as a timeout, or nothing retries it. The server's
/// handler is made at the first send: a client made while the app starts (by a hosted service) comes before the server.
/// </summary>
public sealed class GivesUpLikeASocket(TestServer server) : HttpMessageHandler
{
    private readonly Lazy<HttpMessageInvoker> _server = new(() => new HttpMessageInvoker(server.CreateHandler()));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sending = _server.Value.SendAsync(request, cancellationToken);
        try
        {
            var response = await sending.WaitAsync(cancellationToken);
            if (!cancellationToken.IsCancellationRequested) return response;
            response.Dispose();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The answer of the abandoned request still comes; nobody will read it.
            _ = sending.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        }
        throw new TaskCanceledException("The request was cancelled before its answer came.", null, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _server.IsValueCreated) _server.Value.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The app with the demo province seeded at start, as the run command serves it.</summary>
public sealed class DemoApp : TestApp
{
    protected override bool SeedDemoData => true;
}

public static class Repository
{
    /// <summary>The folder holding Baocao.slnx, found by walking up from the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Baocao.slnx"))) return folder.FullName;
        }
        throw new InvalidOperationException("Baocao.slnx not found above " + AppContext.BaseDirectory);
    }
}
