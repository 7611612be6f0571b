using System.Text;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Baocao.Mail;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

/// <summary>
/// Counts the app's storage requests of one report's whole life, by kind, for docs/durable-cost.md: its share of the
/// period's fan-out, three reminders (the firing activity's work), submit, claim and two approvals, each with its outbox
/// delivered as the queue trigger would. The engine's own requests to its task hub are not counted here.
/// </summary>
public sealed class StorageCostTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Period = "2026-Q2";
    private const string Unit = "HND";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WorkItem Mail(string subject) => new MailWork(["vanthu.hnd@anhoa.example"], subject, subject + ".").ToWorkItem();

    /// <summary>A reminder before the deadline: a note in history and a mail to the unit.</summary>
    private sealed class ReminderTimer : ITimerKind
    {
        public const string Name = "nhac-nop";

        public string Kind => Name;

        public TimerFiring? Fire(WorkflowInstance instance, DurableTimer timer) =>
            WorkflowDefinition.NotSubmitted.Contains(instance.State)
                ? new TimerFiring(ReportTrigger.Note, "Nhắc hạn nộp báo cáo.", [Mail("Nhắc hạn nộp báo cáo sơ kết")])
                : null;
    }

    /// <summary>What the Functions queue trigger does for each message: receive it, run the dispatcher, delete it.</summary>
    private static async Task DeliverAsync(WebApplicationFactory<Baocao.LocalHost.LocalFunctionsHost> factory)
    {
        var queue = factory.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(Baocao.Storage.StorageNames.OutboxQueue);
        var dispatcher = factory.Services.GetRequiredService<OutboxDispatcher>();
        var workflow = await factory.Services.GetRequiredService<Baocao.LocalHost.Durable.LocalDurableEngine>().ClientAsync(Ct);
        foreach (var m in (await queue.ReceiveMessagesAsync(32, cancellationToken: Ct)).Value)
        {
            await dispatcher.DispatchAsync(m.MessageText, workflow, Ct);
            await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, Ct);
        }
    }

    [Fact]
    public async Task One_reports_whole_life_costs_a_few_dozen_storage_requests()
    {
        var probe = new StorageProbe(app.Azurite);
        await using var factory = app.Factory.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.AddSingleton<HttpPipelinePolicy>(probe).AddSingleton<ITimerKind, ReminderTimer>()));
        // This instance provisions storage at start too; its requests are not the report's.
        await factory.Services.GetRequiredService<Baocao.Storage.StorageReadiness>().Ready.WaitAsync(Ct);
        var engine = factory.Services.GetRequiredService<WorkflowEngine>();
        var timers = factory.Services.GetRequiredService<ReportTimers>();
        var id = WorkflowEngine.InstanceId(Period, Unit);
        var now = app.Clock.GetUtcNow();
        var deadline = now.AddDays(20);
        var phases = new List<(string Phase, IReadOnlyDictionary<StorageRequestKind, int> Counts)>();

        async Task MeasureAsync(string phase, Func<Task> run)
        {
            probe.Reset();
            await run();
            await DeliverAsync(factory);
            phases.Add((phase, probe.Counts));
        }

        async Task DecideAsync(ReportTrigger trigger, string mail) =>
            Assert.IsType<FireResult.Applied>(await engine.FireAsync(id, new Firing(trigger, "cv.lan", WorkflowChannel.Link) { Work = [Mail(mail)] }, await app.DurableClientAsync(), Ct));

        await MeasureAsync("mở kỳ: khởi tạo báo cáo, hạn nộp và 3 lời nhắc", () => engine.StartAsync(Period, Unit, Ct,
            [DeadlineTimer.For(deadline), .. new[] { 7, 3, 1 }.Select(d => new DurableTimer($"{ReminderTimer.Name}-{d}", ReminderTimer.Name, deadline.AddDays(-d)))]));
        foreach (var days in new[] { 7, 3, 1 })
        {
            app.Clock.Advance(deadline.AddDays(-days) - app.Clock.GetUtcNow());
            var due = new DueTimer(id, $"{ReminderTimer.Name}-{days}", deadline.AddDays(-days));
            await MeasureAsync($"nhắc nộp (còn {days} ngày)", async () => Assert.True(await timers.FireAsync(due, Ct)));
        }
        await MeasureAsync("nộp", async () => Assert.IsType<FireResult.Applied>(await engine.SubmitAsync(id, new Firing(ReportTrigger.Submit, Unit, WorkflowChannel.Api),
            new NewVersion(Submitter.GoodReport, "receipt", Late: false), _ => [Mail("Đã nhận báo cáo")], seen: null, await app.DurableClientAsync(), Ct)));
        await MeasureAsync("nhận thẩm định", () => DecideAsync(ReportTrigger.Claim, "Báo cáo đang được thẩm định"));
        await MeasureAsync("chuyên viên duyệt", () => DecideAsync(ReportTrigger.Approve, "Báo cáo chờ lãnh đạo duyệt"));
        await MeasureAsync("lãnh đạo duyệt (kết thúc)", () => DecideAsync(ReportTrigger.Approve, "Báo cáo đã được duyệt"));
        // The sweep drops the outbox recovery entries the life left (each outbox was delivered long before they came due).
        var sweeper = factory.Services.GetRequiredService<TimerSweeper>();
        await MeasureAsync("quét: bỏ các mục phục hồi outbox đã giao", () => sweeper.SweepAsync(Ct));
        probe.Reset();
        await sweeper.SweepAsync(Ct);
        var idleSweep = probe.Requests;

        var view = (await engine.GetAsync(id, Ct))!;
        Assert.Equal(ReportState.Approved, view.Instance.State);
        Assert.Equal(7, view.History.Count);
        Assert.True((await engine.VerifyHistoryAsync(id, Ct)).Intact);
        Assert.Empty(await factory.Services.GetRequiredService<WorkflowStore>().TimersAsync(id, Ct));
        Assert.Equal(7, (await factory.Services.GetRequiredService<LocalMailbox>().AllAsync(Ct)).Count(m => m.CustomArgs.TryGetValue("outbox", out var o) && o.StartsWith(id + "/", StringComparison.Ordinal)));

        var kinds = Enum.GetValues<StorageRequestKind>();
        var table = new StringBuilder($"| phase | {string.Join(" | ", kinds)} | total |\n|---|{string.Concat(kinds.Select(_ => "---|"))}---|\n");
        foreach (var (phase, counts) in phases.Append(("cả vòng đời", kinds.ToDictionary(k => k, k => phases.Sum(p => p.Counts[k])))))
        {
            table.Append($"| {phase} | {string.Join(" | ", kinds.Select(k => counts[k]))} | {counts.Values.Sum()} |\n");
        }
        TestContext.Current.TestOutputHelper!.WriteLine(table + $"\nidle sweep: {idleSweep} request(s)");

        var total = phases.Sum(p => p.Counts.Values.Sum());
        // Timers move with the state (a Submit cancels the reminders left and starts the wait for review, an approval moves
        // that wait): each such transition reads the instance's timers and its period once more.
        Assert.True(total <= 110, $"one report's life made {total} storage requests:\n{table}");
        Assert.Equal(1, idleSweep);
    }
}
