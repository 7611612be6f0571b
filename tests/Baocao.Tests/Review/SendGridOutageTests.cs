using System.Net;
using Baocao.Mail;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Review;

/// <summary>SendGrid answering 429 and 500 for a while: the mail waits, then goes once.</summary>
public sealed class SendGridOutageTests(DemoApp app) : IClassFixture<DemoApp>
{
    private const string Id = "2026-H1~HU-DONGSON";
    private readonly ReviewDesk _desk = new(app);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_outage_of_429_and_500_delays_the_reviewer_mail_but_loses_none_and_duplicates_none()
    {
        using var admin = app.Admin();
        // Six sends fail: the client's own retries (one try and three more) use four; the outbox's next try meets two more.
        (await admin.PutJsonAsync("/api/dev/mail/faults", """{ "statuses": [429, 500], "count": 6, "retryAfter": "00:00:03" }""")).EnsureSuccessStatusCode();
        var unit = await Submitter.ForAsync(app, "HU-DONGSON");
        Assert.Equal(HttpStatusCode.Created, (await unit.SubmitAsync(Submitter.Form())).StatusCode);

        Assert.IsType<OutboxDeliveryException>(await _desk.DeliverMovingTheClockAsync(Id));
        Assert.Empty(await _desk.MailsToAsync(ReviewDesk.Reviewer, Id));
        Assert.Single(await app.Factory.Services.GetRequiredService<WorkflowEngine>().PendingWorkAsync(Id, Ct));
        Assert.Equal([429, 500, 429, 500], (await (await admin.GetAsync("/api/dev/mail/faults", Ct)).ReadAsAsync<SinkFaultState>()).Answered);

        // The queue brings the message again: the client's retries get through the end of the outage.
        Assert.Null(await _desk.DeliverMovingTheClockAsync(Id));
        var state = await (await admin.GetAsync("/api/dev/mail/faults", Ct)).ReadAsAsync<SinkFaultState>();
        Assert.Equal((0, 6), (state.Remaining, state.Answered.Count));
        var mail = Assert.Single(await _desk.MailsToAsync(ReviewDesk.Reviewer, Id));
        Assert.Contains("phiên bản 1", mail.Subject, StringComparison.Ordinal);
        Assert.Empty(await app.Factory.Services.GetRequiredService<WorkflowEngine>().PendingWorkAsync(Id, Ct));

        // Another copy of the message finds nothing left to send.
        await _desk.DeliverAsync(Id);
        Assert.Single(await _desk.MailsToAsync(ReviewDesk.Reviewer, Id));
    }
}
