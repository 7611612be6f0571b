using Azure.Storage.Queues;
using Baocao.Mail;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Workflow;

public sealed class OutboxDispatcherTests(TestApp app) : IClassFixture<TestApp>
{
    private const string Period = "2026-M11";

    private readonly WorkflowEngine _engine = app.Factory.Services.GetRequiredService<WorkflowEngine>();
    private readonly OutboxDispatcher _dispatcher = app.Factory.Services.GetRequiredService<OutboxDispatcher>();
    private readonly TimerSweeper _sweeper = app.Factory.Services.GetRequiredService<TimerSweeper>();
    private readonly LocalMailbox _mailbox = app.Factory.Services.GetRequiredService<LocalMailbox>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private QueueClient Queue() => app.Stored.OutboxQueue;

    private static MailWork Mail(string unit) =>
        new([$"vanthu.{unit.ToLowerInvariant()}@anhoa.example"], $"Đã nhận báo cáo của {unit}", "Ban Dân vận Tỉnh ủy đã nhận báo cáo sơ kết 6 tháng.",
            "<p>Ban Dân vận Tỉnh ủy đã nhận báo cáo sơ kết 6 tháng.</p>");

    /// <summary>Submits a report with a receipt mail and returns the queue messages that announced it (taken off the queue).</summary>
    private async Task<(string Id, List<string> Messages)> SubmittedWithMailAsync(string unit)
    {
        var id = (await _engine.StartAsync(Period, unit, Ct)).Id;
        Assert.IsType<FireResult.Applied>(await _engine.FireAsync(id, new Firing(ReportTrigger.Submit, "vp.huyen", WorkflowChannel.Api) { Work = [Mail(unit).ToWorkItem()] }, await app.DurableClientAsync(), Ct));
        return (id, await AnnouncementsAsync(id));
    }

    private async Task<IReadOnlyList<CapturedMail>> MailsOfAsync(string id) =>
        (await _mailbox.AllAsync(Ct)).Where(m => m.CustomArgs.TryGetValue("outbox", out var outbox) && outbox.StartsWith(id + "/", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_mail_work_item_is_sent_once_even_when_its_message_is_dispatched_twice_at_once_and_again()
    {
        var (id, messages) = await SubmittedWithMailAsync("HND");
        var message = Assert.Single(messages);

        var racing = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try
            {
                await _dispatcher.DispatchAsync(message, workflow: null, Ct);
                return true;
            }
            catch (OutboxDeliveryException)
            {
                return false;
            }
        }));
        Assert.Contains(true, racing);
        await _dispatcher.DispatchAsync(message, workflow: null, Ct);

        var mail = Assert.Single(await MailsOfAsync(id));
        Assert.Equal(["vanthu.hnd@anhoa.example"], mail.To);
        Assert.Equal("Đã nhận báo cáo của HND", mail.Subject);
        Assert.Equal($"{id}/o000001-00", mail.CustomArgs["outbox"]);
        Assert.Empty(await _engine.PendingWorkAsync(id, Ct));
        var receipt = await app.Stored.DeliveryClaimAsync(id, "o000001-00");
        Assert.True(receipt?.Delivered);
    }

    [Fact]
    public async Task An_outbox_committed_but_never_announced_is_announced_by_the_sweep_and_delivered()
    {
        // The announcement is taken off the queue unread: as if the app died between the commit and the enqueue.
        var (id, _) = await SubmittedWithMailAsync("HCCB");
        await _sweeper.SweepAsync(Ct);
        Assert.Empty(await AnnouncementsAsync(id));

        app.Clock.Advance(OutboxQueue.RecoveryDelay);
        await _sweeper.SweepAsync(Ct);
        await _dispatcher.DispatchAsync(Assert.Single(await AnnouncementsAsync(id)), workflow: null, Ct);
        Assert.Single(await MailsOfAsync(id));

        // The next check finds the outbox empty and announces nothing more.
        app.Clock.Advance(OutboxQueue.RecoveryDelay * 2);
        await _sweeper.SweepAsync(Ct);
        Assert.Empty(await AnnouncementsAsync(id));
        Assert.Single(await MailsOfAsync(id));
    }

    /// <summary>The messages on the outbox queue naming <paramref name="id"/>, taken off the queue.</summary>
    private async Task<List<string>> AnnouncementsAsync(string id)
    {
        var found = new List<string>();
        foreach (var m in (await Queue().ReceiveMessagesAsync(32, cancellationToken: Ct)).Value)
        {
            if (OutboxQueue.Decode(m.MessageText)!.Partition != id) continue;
            found.Add(m.MessageText);
            await Queue().DeleteMessageAsync(m.MessageId, m.PopReceipt, Ct);
        }
        return found;
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_retried_then_moved_to_the_poison_queue_and_its_work_stays()
    {
        await using var factory = app.Factory.WithWebHostBuilder(web =>
        {
            // App settings override host.json as under the Functions host.
            web.UseSetting("AzureFunctionsJobHost:extensions:queues:maxDequeueCount", "2");
            web.UseSetting("AzureFunctionsJobHost:extensions:queues:visibilityTimeout", "00:00:00");
            web.ConfigureTestServices(services => services.AddTransient<IWorkReceiver, RefusingReceiver>());
        });
        var engine = factory.Services.GetRequiredService<WorkflowEngine>();
        var loop = factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Baocao.LocalHost.QueueTriggers>().Single();
        await Queue().ClearMessagesAsync(Ct);
        var id = (await engine.StartAsync(Period, "DTN", Ct)).Id;
        var work = new WorkItem(RefusingReceiver.Name, System.Text.Json.JsonSerializer.SerializeToElement(new { }));
        Assert.IsType<FireResult.Applied>(await engine.FireAsync(id, new Firing(ReportTrigger.Submit, "vp.huyen", WorkflowChannel.Api) { Work = [work] }, await app.DurableClientAsync(), Ct));

        Assert.Equal(1, await loop.ReceiveOnceAsync("OutboxDispatch", Ct));
        Assert.Equal(1, (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Equal(1, await loop.ReceiveOnceAsync("OutboxDispatch", Ct));

        Assert.Equal(0, (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        var poisoned = Assert.Single((await app.Stored.OutboxPoisonQueue.ReceiveMessagesAsync(32, cancellationToken: Ct)).Value);
        Assert.Equal(id, OutboxQueue.Decode(poisoned.MessageText)!.Partition);
        Assert.Equal(RefusingReceiver.Name, Assert.Single(await engine.PendingWorkAsync(id, Ct)).Kind);
    }

    private sealed class RefusingReceiver : IWorkReceiver
    {
        public const string Name = "always-refused";

        public string Kind => Name;

        public Task DeliverAsync(WorkDelivery delivery, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The receiving system is down.");
    }
}
