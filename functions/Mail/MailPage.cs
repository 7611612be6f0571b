using Baocao.Rendering;

namespace Baocao.Mail;

public sealed record MailboxModel(string Capacity, IReadOnlyList<MailModel> Mails);

/// <summary>One mail as the page shows it; its HTML part is a value like any other, escaped into the frame's srcdoc.</summary>
public sealed record MailModel(string ReceivedAt, string From, string To, string Subject, string? Text, string? Html);

/// <summary>The local mailbox as a plain page: newest first, every field escaped, HTML parts shown in a sandboxed frame.</summary>
internal static class MailPage
{
    public static IResult Render(IReadOnlyList<CapturedMail> mails) =>
        Page.Html("Hộp thư nội bộ", "Mail/mailbox", new MailboxModel(
            LocalMailbox.Capacity.ToString("N0", Reporting.ReportingText.Culture),
            mails.Reverse().Select(m => new MailModel(
                m.ReceivedAt.ToString("HH:mm:ss dd/MM/yyyy 'UTC'"), m.From, string.Join(", ", m.To), m.Subject, m.Text, m.Html)).ToList()));
}
