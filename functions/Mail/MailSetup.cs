using Baocao.Hosting;
using Microsoft.Extensions.Options;
using SendGrid;

namespace Baocao.Mail;

public static class MailSetup
{
    public const string HttpClientName = "sendgrid";

    /// <summary>The official SendGrid client, pointed at SendGrid or at the local sink by <c>Mail__SendGridHost</c>.</summary>
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // 429 (after its Retry-After), 5xx and a try that outlasts its own timeout (10 s; 30 s for all tries) are retried
        // with exponential backoff and jitter; what still fails goes back to the outbox, whose message is retried later.
        // A try given up on may have been taken by SendGrid all the same: MailReceiver gives every copy one Message-ID.
        services.AddHttpClient(HttpClientName).AddStandardResilienceHandler();
        services.AddSingleton<LocalMailbox>().AddSingleton<LocalMailFaults>();
        services.AddSingleton<Baocao.Storage.IStartupTask>(provider => provider.GetRequiredService<LocalMailbox>());
        services.AddTransient<Baocao.Workflow.IWorkReceiver, MailReceiver>();
        services.AddTransient<ISendGridClient>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<MailOptions>>().Value;
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
            var clientOptions = new SendGridClientOptions { ApiKey = options.SendGridApiKey };
            if (!string.IsNullOrWhiteSpace(options.SendGridHost)) clientOptions.Host = options.SendGridHost;
            return new SendGridClient(http, clientOptions);
        });
        return services;
    }

}
