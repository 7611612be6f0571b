using System.Text;
using static Baocao.Rendering.Page;

namespace Baocao.Mail;

/// <summary>The local mailbox as a plain page: newest first, every field escaped, HTML parts shown in a sandboxed frame.</summary>
internal static class MailPage
{
    public static IResult Render(IReadOnlyList<CapturedMail> mails)
    {
        var page = new StringBuilder($$"""
            <style>
              article { border: 1px solid #ccc; border-radius: .5rem; padding: .75rem 1rem; margin: .75rem 0; }
              article header { color: #555; font-size: .9rem; } article h2 { margin: .25rem 0; }
              pre { white-space: pre-wrap; background: #f6f6f6; padding: .5rem; border-radius: .25rem; }
              iframe { width: 100%; height: 24rem; border: 1px solid #ddd; }
            </style>
            <h1>Hộp thư nội bộ</h1>
            <p>Thư ứng dụng gửi qua SendGrid khi chạy trên máy được giữ ở đây, trong Azurite, qua các lần khởi động lại: {{LocalMailbox.Capacity.ToString("N0", Baocao.Reporting.ReportingText.Culture)}} thư mới nhất,
            cho đến khi xoá thư mục <code>.azurite/</code> (bản JSON: <a href="/api/dev/mail">/api/dev/mail</a>).</p>
            """);
        if (mails.Count == 0) page.Append("<p><em>Chưa có thư nào.</em></p>");
        foreach (var mail in mails.Reverse())
        {
            page.Append("<article><header>")
                .Append(E(mail.ReceivedAt.ToString("HH:mm:ss dd/MM/yyyy 'UTC'"))).Append(" · từ ").Append(E(mail.From))
                .Append(" · đến ").Append(E(string.Join(", ", mail.To)))
                .Append("</header><h2>").Append(E(mail.Subject)).Append("</h2>");
            if (mail.Text is not null) page.Append("<pre>").Append(E(mail.Text)).Append("</pre>");
            if (mail.Html is not null) page.Append("<iframe sandbox title=\"Bản HTML\" srcdoc=\"").Append(E(mail.Html)).Append("\"></iframe>");
            page.Append("</article>");
        }
        return Html("Hộp thư nội bộ", page.ToString());
    }
}
