using System.Net;
using System.Text.RegularExpressions;
using Baocao.Mail;
using Baocao.Tests.Infrastructure;
using Baocao.Workflow;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Baocao.Tests.Review;

/// <summary>
/// A reviewer's side of the story against a test app: the outbox delivered as the queue trigger would, mail read from
/// the local sink, links followed with a browser-like client that keeps cookies and posts the page's form.
/// </summary>
public sealed partial class ReviewDesk(TestApp app)
{
    public const string Reviewer = "thuha.bdv@anhoa.example";
    public const string Leader = "tvdung.truongban@anhoa.example";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public LocalMailbox Mailbox => app.Factory.Services.GetRequiredService<LocalMailbox>();

    /// <summary>Delivers the instance's outbox once, as one queue message would.</summary>
    public async Task DeliverAsync(string instanceId) =>
        await app.Factory.Services.GetRequiredService<OutboxDispatcher>().DispatchAsync(OutboxQueue.Encode(new OutboxMessage(instanceId)), await app.DurableClientAsync(), Ct);

    /// <summary>
    /// Delivers the instance's outbox once while its retries wait out their backoff and timeouts on the test clock: the
    /// clock moves a second at a time whenever the SendGrid client waits on nothing but the clock, so no test ever sleeps
    /// for a retry, and no try times out because the machine was busy. Returns why the delivery failed, or null.
    /// </summary>
    public async Task<Exception?> DeliverMovingTheClockAsync(string instanceId)
    {
        var traffic = app.Factory.Services.GetRequiredService<SendGridTraffic>();
        var sink = app.Factory.Services.GetRequiredService<LocalMailFaults>();
        var delivery = DeliverAsync(instanceId);
        while (!delivery.IsCompleted)
        {
            if (traffic.WaitsOnlyOnTheClock(sink.Holding)) app.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(delivery, Task.Delay(TimeSpan.FromMilliseconds(5), Ct));
        }
        return delivery.Exception?.InnerException;
    }

    public async Task<IReadOnlyList<CapturedMail>> MailsToAsync(string email, string instanceId) =>
        (await Mailbox.AllAsync(Ct)).Where(m => m.To.Contains(email, StringComparer.OrdinalIgnoreCase)
            && m.CustomArgs.TryGetValue("instanceId", out var id) && id == instanceId).ToList();

    /// <summary>The action link of a mail, as a path on the app (the mail carries the public base URL).</summary>
    public static string LinkIn(CapturedMail mail) => new Uri(ActionLink().Match(mail.Text!).Value).PathAndQuery;

    [GeneratedRegex(@"https?://\S+/api/review/[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+(?=\s)")]
    private static partial Regex ActionLink();

    /// <summary>A browser: it keeps the anti-forgery cookie between the page and the form it posts.</summary>
    public HttpClient Browser() => app.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false, BaseAddress = app.Factory.ClientOptions.BaseAddress });

    public static async Task<string> PageAsync(HttpClient browser, string link, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await browser.GetAsync(link, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {html}");
        return html;
    }

    /// <summary>Posts the page's form as its buttons would: the anti-forgery field from the page, the decision and the fields.</summary>
    public static async Task<(HttpStatusCode Status, string Html)> PostAsync(HttpClient browser, string link, string page, params (string Name, string Value)[] fields)
    {
        // As a browser does: the page's hidden fields (the anti-forgery token, the state the page showed), then the choices.
        var shown = HtmlPage.Parse(page);
        var form = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", shown.Single("input[name=__RequestVerificationToken]").GetAttribute("value")!) };
        if (shown.All("input[name=seen]") is [var seen]) form.Add(new("seen", seen.GetAttribute("value")!));
        form.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        var response = await browser.PostAsync(link, new FormUrlEncodedContent(form), Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>Opens the link and decides in one go, as a reviewer who reads and clicks.</summary>
    public async Task<(HttpStatusCode Status, string Html)> DecideAsync(string link, params (string Name, string Value)[] fields)
    {
        using var browser = Browser();
        return await PostAsync(browser, link, await PageAsync(browser, link), fields);
    }
}
