using System.Net;
using Baocao.Mail;
using Baocao.Tests.Infrastructure;
using Baocao.Tests.Review;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Baocao.Tests.Reliability;

/// <summary>
/// SendGrid (the local sink, reached by the real SendGrid client) answers 429 with Retry-After, 500, and too slowly
/// for a while. Each slow try times out on the client's side and is tried again, by the resilience pipeline and then by
/// the outbox's queue message, and every mail goes once in the end. A SendGrid that took a mail and only answered too
/// late is the one case that sends it twice, since SendGrid has no idempotency key: both copies carry one Message-ID.
/// </summary>
public sealed class MailOutageTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string Period = "2026-H1";

    /// <summary>Far beyond the resilience pipeline's per-try timeout (10 s): every slow try is given up on.</summary>
    private const string SlowAnswer = "00:05:00";

    private readonly ReviewDesk _desk = new(app);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowEngine Engine => app.Factory.Services.GetRequiredService<WorkflowEngine>();

    private async Task<IReadOnlyList<IGrouping<string, CapturedMail>>> MailsOfAsync(string instanceId) =>
        (await _desk.Mailbox.AllAsync(Ct)).Where(m => m.CustomArgs["instanceId"] == instanceId).GroupBy(m => m.CustomArgs["outbox"]).ToList();

    private async Task<string> SubmittedAsync(string unit)
    {
        Assert.Equal(HttpStatusCode.Created, (await (await Submitter.ForAsync(app, unit)).SubmitAsync(Submitter.Form(), Period)).StatusCode);
        return WorkflowEngine.InstanceId(Period, unit);
    }

    private async Task<SinkFaultState> FaultsAsync(HttpClient admin) => await (await admin.GetAsync("/api/dev/mail/faults", Ct)).ReadAsAsync<SinkFaultState>();

    [Fact]
    public async Task Through_429s_500s_and_slow_answers_every_mail_goes_once_within_the_queue_s_tries()
    {
        var units = ReliabilityScale.Units(Math.Min(12, 2 + ReliabilityScale.Factor));
        var figures = new Figures("mail: SendGrid 429, 500 and slow answers");
        var pending = new List<string>();
        foreach (var unit in units) pending.Add(await SubmittedAsync(unit));
        var instances = pending.ToList();
        using var admin = app.Admin();
        (await admin.PutJsonAsync("/api/dev/mail/faults",
            $$"""{ "statuses": [429, 500, 0], "count": {{3 * units.Length}}, "retryAfter": "00:00:02", "delay": "{{SlowAnswer}}" }""")).EnsureSuccessStatusCode();

        // As the queue trigger would: each instance's message comes back while its delivery fails, at most
        // MaxDequeueCount times before it would go to the poison queue.
        var tries = app.Factory.Services.GetRequiredService<Baocao.LocalHost.HostJson>().Queues.MaxDequeueCount;
        for (var round = 1; round <= tries && pending.Count > 0; round++)
        {
            foreach (var id in pending.ToList())
            {
                var failure = await _desk.DeliverMovingTheClockAsync(id);
                if (failure is null) pending.Remove(id);
                else Assert.IsType<OutboxDeliveryException>(failure);
            }
        }

        var faults = await FaultsAsync(admin);
        var accepted = (await Task.WhenAll(instances.Select(MailsOfAsync))).SelectMany(m => m).Sum(g => g.Count());
        figures.CountFault(faults.Answered.Count);
        figures.CountSent(faults.Answered.Count + accepted);
        foreach (var id in instances)
        {
            var mails = await MailsOfAsync(id);
            if (mails.Count == 0) figures.Lost++;
            figures.Duplicated += mails.Sum(g => g.Count() - 1);
            if (mails.Count > 0 && mails.All(g => g.Count() == 1)) figures.CountAcknowledged();
        }
        figures.Publish();

        Assert.Empty(pending);
        Assert.Equal(0, faults.Remaining);
        Assert.Contains(0, faults.Answered);
        Assert.Equal((0, 0), (figures.Lost, figures.Duplicated));
        foreach (var id in instances) Assert.Empty(await Engine.PendingWorkAsync(id, Ct));
        // Each mail has a Message-ID of its own.
        var ids = (await Task.WhenAll(instances.Select(MailsOfAsync))).SelectMany(m => m).Select(g => g.Single().MessageId).ToList();
        Assert.All(ids, Assert.NotNull);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    /// <summary>
    /// One slow try: the client gives up on it after the per-try timeout and tries again within the same delivery, long
    /// before the slow answer would have come. If SendGrid had not taken the mail yet, it goes once; if it had, the
    /// retry sends it again (SendGrid has no idempotency key), and both copies carry the same Message-ID.
    /// </summary>
    [Theory]
    [InlineData("TINHDOAN", false, 1)]
    [InlineData("LDLD", true, 2)]
    public async Task A_slow_try_is_given_up_on_and_tried_again_and_sends_twice_only_if_SendGrid_had_taken_the_mail(string unit, bool takenBeforeAnswering, int copies)
    {
        var id = await SubmittedAsync(unit);
        using var admin = app.Admin();
        (await admin.PutJsonAsync("/api/dev/mail/faults",
            $$"""{ "statuses": [0], "count": 1, "delay": "{{SlowAnswer}}", "acceptBeforeDelay": {{(takenBeforeAnswering ? "true" : "false")}} }""")).EnsureSuccessStatusCode();

        var started = app.Clock.GetUtcNow();
        Assert.Null(await _desk.DeliverMovingTheClockAsync(id));
        Assert.True(app.Clock.GetUtcNow() - started < TimeSpan.Parse(SlowAnswer, System.Globalization.CultureInfo.InvariantCulture) / 2,
            $"the delivery waited {app.Clock.GetUtcNow() - started} for a slow answer");
        Assert.Equal([0], (await FaultsAsync(admin)).Answered);

        var mail = Assert.Single(await MailsOfAsync(id)).ToList();
        Assert.Equal(copies, mail.Count);
        Assert.NotNull(Assert.Single(mail.Select(c => c.MessageId).Distinct()));
        Assert.Empty(await Engine.PendingWorkAsync(id, Ct));
        // The delivery is recorded: another copy of the queue message sends nothing more.
        await _desk.DeliverAsync(id);
        Assert.Equal(copies, Assert.Single(await MailsOfAsync(id)).Count());
    }
}
