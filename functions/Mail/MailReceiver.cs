using System.Text.Json;
using Baocao.Workflow;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace Baocao.Mail;

/// <summary>The payload of a <c>mail</c> work item: who receives it, and its Vietnamese subject, text and HTML.</summary>
public sealed record MailWork(IReadOnlyList<string> Recipients, string Subject, string Text, string? Html = null)
{
    public const string Kind = "mail";

    public WorkItem ToWorkItem() => new(Kind, JsonSerializer.SerializeToElement(this, JsonSerializerOptions.Web));
}

/// <summary>Sends <c>mail</c> work items through SendGrid (or the local sink); each carries its outbox id for tracing.</summary>
public sealed class MailReceiver(ISendGridClient sendGrid, IOptions<MailOptions> options) : IWorkReceiver
{
    public string Kind => MailWork.Kind;

    public async Task DeliverAsync(string partition, OutboxItem item, CancellationToken cancellationToken)
    {
        var work = item.Payload.Deserialize<MailWork>(JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"Outbox item {item.Id} of {partition} is not a mail.");
        var from = new EmailAddress(options.Value.FromEmail, options.Value.FromName);
        var message = MailHelper.CreateSingleEmailToMultipleRecipients(from, work.Recipients.Select(r => new EmailAddress(r)).ToList(),
            work.Subject, work.Text, work.Html ?? "");
        message.AddCustomArg("outbox", $"{partition}/{item.Id}");
        var response = await sendGrid.SendEmailAsync(message, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"SendGrid refused mail {partition}/{item.Id}: {(int)response.StatusCode} {await response.Body.ReadAsStringAsync(cancellationToken)}");
        }
    }
}
