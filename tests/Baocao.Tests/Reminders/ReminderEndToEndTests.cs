using System.Net;
using System.Net.Http.Json;
using Azure.Storage.Queues;
using Baocao.Storage;
using Baocao.Mail;
using Baocao.Reminders;
using Baocao.Tests.Infrastructure;

namespace Baocao.Tests.Reminders;

/// <summary>
/// The real app end to end with minute-scale offsets: the admin plans and opens a period over HTTP, a unit submits
/// over HTTP, every minute the reports' orchestrations fire what came due and the host's timer trigger invokes the
/// sweep and its queue trigger the outbox deliveries, in the Functions host's own shape, and the mails are read from
/// the sink's JSON.
/// </summary>
public sealed class ReminderEndToEndTests(ReminderApp app) : IClassFixture<ReminderApp>
{
    private readonly ReminderDesk _desk = new(app);

    [Fact]
    public async Task A_morning_of_minute_reminders_reaches_exactly_the_right_people_through_the_sink()
    {
        // Tuesday 24 November, 09:00: the deadline is at 10:00 the same morning; mails are told apart by their minute since 09:00.
        var period = await _desk.OpenAsync(10, "2026-11-24T10:00",
        [
            ReminderDesk.Step("-PT30M", "unitReportingOfficer", "reminder-before"),
            ReminderDesk.Step("PT0S", "unitReportingOfficer", "reminder-due"),
            ReminderDesk.Step("PT15M", "unitHead", "escalation"),
            ReminderDesk.Step("PT30M", "provinceReviewer", "escalation"),
        ], ["HU-DONGSON", "HU-KIMTHANH"]);
        var dongSon = await Submitter.ForAsync(app, "HU-DONGSON");

        // Every minute until 10:45, as the timer trigger's schedule; Đông Sơn submits at 09:40.
        for (var minute = 1; minute <= 105; minute++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            if (minute == 40) Assert.Equal(System.Net.HttpStatusCode.Created, (await dongSon.SubmitAsync(Submitter.Form(), period)).StatusCode);
            await TriggerAsync();
        }

        var mails = (await app.Anonymous().GetFromJsonAsync<List<CapturedMail>>("/api/dev/mail", JsonOptions, TestContext.Current.CancellationToken))!
            .Where(m => m.Categories.Contains(ReminderMail.Category))
            .Select(m => (At: (m.ReceivedAt - _desk.Local("2026-11-24 09:00")).TotalMinutes, To: m.To.Single()))
            .ToList();
        Assert.Equal(
        [
            (30d, "huy.kimthanh@anhoa.example"), (30d, "tuan.dongson@anhoa.example"),
            (60d, "huy.kimthanh@anhoa.example"),
            (75d, "lam.kimthanh@anhoa.example"),
            (90d, ReminderDesk.Reviewer),
        ], mails.OrderBy(m => m.At).ThenBy(m => m.To, StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// What a minute brings: the reports' orchestrations fire what came due, then the host runs <c>OutboxDispatch</c>
    /// for each queue message, fires <c>TimerSweep</c>, and runs <c>OutboxDispatch</c> again for what the sweep made.
    /// </summary>
    private async Task TriggerAsync()
    {
        var hosted = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetServices<Microsoft.Extensions.Hosting.IHostedService>(app.Factory.Services).ToList();
        var queue = hosted.OfType<Baocao.LocalHost.QueueTriggers>().Single();
        async Task DispatchAllAsync()
        {
            while (await queue.ReceiveOnceAsync("OutboxDispatch", Ct) > 0)
            {
            }
        }
        await app.ReportsCaughtUpAsync();
        await DispatchAllAsync();
        await hosted.OfType<Baocao.LocalHost.TimerTriggers>().Single().FireNowAsync("TimerSweep", Ct);
        await DispatchAllAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = Baocao.Hosting.JsonBody.Strict.ForReading();
}
