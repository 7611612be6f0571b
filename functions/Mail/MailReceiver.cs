using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baocao.Hosting;
using Baocao.Rendering;
using Baocao.Workflow;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Baocao.Mail;

/// <summary>
/// The payload of a <c>mail</c> work item: who receives it, and its Vietnamese subject, text and HTML; the category
/// (what kind of mail) goes to SendGrid with the instance id, for its statistics and event webhooks.
/// </summary>
public sealed record MailWork(IReadOnlyList<string> Recipients, string Subject, string Text, string? Html = null, string? Category = null)
{
    public const string Kind = "mail";

    /// <summary>A mail from its Liquid templates: <c>{template}.subject</c>, <c>.txt</c> and <c>.html</c> over one model.</summary>
    public static MailWork From(IReadOnlyList<string> to, string template, object model, string category) =>
        new(to, LiquidTemplates.RenderSubject(template, model), LiquidTemplates.RenderText(template, model), LiquidTemplates.RenderHtml(template, model), category);

    public WorkItem ToWorkItem() => new(Kind, JsonSerializer.SerializeToElement(this, JsonSerializerOptions.Web));
}

/// <summary>
/// Sends <c>mail</c> work items through SendGrid (or the local sink); each carries its outbox id for tracing, and a
/// Message-ID made from it.
/// </summary>
public sealed class MailReceiver(ISendGridClient sendGrid, IOptions<MailOptions> options, BaocaoMetrics metrics) : IWorkReceiver
{
    public string Kind => MailWork.Kind;

    public async Task DeliverAsync(WorkDelivery delivery, CancellationToken cancellationToken)
    {
        var (partition, item) = (delivery.Partition, delivery.Item);
        var work = item.Payload.Deserialize<MailWork>(JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Outbox item {item.Id} of {partition} is not a mail.");
        var from = new EmailAddress(options.Value.FromEmail, options.Value.FromName);
        var message = MailHelper.CreateSingleEmailToMultipleRecipients(from, work.Recipients.Select(r => new EmailAddress(r)).ToList(),
            work.Subject, work.Text, work.Html ?? "");
        // Message-wide, so every recipient's copy carries them (a personalization's own args would reach only the first).
        message.AddGlobalCustomArg("outbox", $"{partition}/{item.Id}");
        message.AddGlobalCustomArg("instanceId", partition);
        message.AddCategories(["baocao", .. work.Category is null ? Array.Empty<string>() : [work.Category]]);
        message.AddHeader("Message-ID", MessageId(partition, item, options.Value.FromEmail));
        var response = await sendGrid.SendEmailAsync(message, cancellationToken);
        metrics.Mail(sent: response.IsSuccessStatusCode);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"SendGrid refused mail {partition}/{item.Id}: {(int)response.StatusCode} {await response.Body.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>
    /// The same for every send of one outbox item. SendGrid has no idempotency key, so a mail it took but answered too
    /// late (after the per-try timeout) goes again; both copies then carry this Message-ID, by which mail systems that
    /// hold a message already (Gmail, for one) show it once, and by which anyone can tell a copy from a new mail. The
    /// item's creation time goes in with its name, so a period opened again under the same id, or another deployment
    /// with the same periods, never reuses one (a reused id would hide a new mail behind an old one).
    /// </summary>
    private static string MessageId(string partition, OutboxItem item, string fromEmail) =>
        $"<{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{partition}/{item.Id}/{item.CreatedAt.UtcTicks}")))[..32]}@{fromEmail[(fromEmail.LastIndexOf('@') + 1)..]}>";
}
