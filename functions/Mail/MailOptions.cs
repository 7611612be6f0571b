using System.ComponentModel.DataAnnotations;

namespace Baocao.Mail;

/// <summary>SendGrid settings, bound from <c>Mail__*</c>. Locally the same client talks to the sink inside the app.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>The SendGrid API key (Key Vault reference in Azure). Locally any value: the sink only checks one is sent.</summary>
    [Required]
    public string SendGridApiKey { get; set; } = "";

    /// <summary>Where the SendGrid client sends: empty for SendGrid itself, the app's own address for the local sink.</summary>
    public string SendGridHost { get; set; } = "";

    [Required, EmailAddress]
    public string FromEmail { get; set; } = "";

    [Required]
    public string FromName { get; set; } = "";

    /// <summary>Maps the local mail sink (<c>/v3/mail/send</c>, <c>/api/dev/mail</c>). Never on under the Functions host.</summary>
    public bool UseLocalSink { get; set; }
}
