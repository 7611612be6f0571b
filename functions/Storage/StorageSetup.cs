using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Options;

namespace Baocao.Storage;

public static class StorageSetup
{
    /// <summary>Table, Blob and Queue clients from <c>AzureWebJobsStorage</c>, and the start-up work that makes storage ready.</summary>
    public static IHostApplicationBuilder AddBaocaoStorage(this IHostApplicationBuilder builder)
    {
        // Resolved when first asked for, so settings applied after Program's builder phase (tests) still count.
        builder.Services.AddSingleton(provider => StorageConnection.From(provider.GetRequiredService<IConfiguration>()));
        builder.Services.AddAzureClients(clients =>
        {
            clients.AddStorageClients(applicationId: null);
            // Named clients of their own for the local mailbox, whose requests carry its application id.
            clients.AddStorageClients(StorageNames.LocalMailClient);
        });
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<StorageReadiness>();
        builder.Services.AddHostedService<StorageProvisioner>();
        builder.Services.AddExceptionHandler<StorageOutageHandler>();
        return builder;
    }

    /// <summary>
    /// Table, Blob and Queue clients of one kind: the app's (the default ones), or named <paramref name="applicationId"/>
    /// with that id at the head of their requests' User-Agent.
    /// </summary>
    private static void AddStorageClients(this AzureClientFactoryBuilder clients, string? applicationId)
    {
        var table = clients.AddClient<TableServiceClient, TableClientOptions>((options, provider) =>
        {
            var c = provider.GetRequiredService<StorageConnection>();
            options.ConfigureForBaocao(provider, applicationId);
            return c.ConnectionString is { } s ? new TableServiceClient(s, options) : new TableServiceClient(c.TableUri, c.Credential, options);
        });
        var blob = clients.AddClient<BlobServiceClient, BlobClientOptions>((options, provider) =>
        {
            var c = provider.GetRequiredService<StorageConnection>();
            options.ConfigureForBaocao(provider, applicationId);
            return c.ConnectionString is { } s ? new BlobServiceClient(s, options) : new BlobServiceClient(c.BlobUri, c.Credential, options);
        });
        var queue = clients.AddClient<QueueServiceClient, QueueClientOptions>((options, provider) =>
        {
            var c = provider.GetRequiredService<StorageConnection>();
            options.ConfigureForBaocao(provider, applicationId);
            return c.ConnectionString is { } s ? new QueueServiceClient(s, options) : new QueueServiceClient(c.QueueUri, c.Credential, options);
        });
        if (applicationId is null) return;
        table.WithName(applicationId);
        blob.WithName(applicationId);
        queue.WithName(applicationId);
    }

    /// <summary>
    /// What every storage client shares. Retries are few and short, and each try waits
    /// <see cref="StorageOptions.NetworkTimeout"/> at most, so storage that is away, or takes connections and never
    /// answers, is a clear 503 within seconds rather than a request held for minutes (a block streamed from a client is
    /// held to storage's progress instead, <see cref="StreamedBody"/>). Pipeline policies registered as
    /// <see cref="HttpPipelinePolicy"/> services join once per try: the place for request telemetry, and where tests
    /// count storage requests or stop them as a crash would.
    /// </summary>
    private static void ConfigureForBaocao(this ClientOptions options, IServiceProvider provider, string? applicationId)
    {
        if (applicationId is not null) options.Diagnostics.ApplicationId = applicationId;
        options.Retry.MaxRetries = StorageOptions.Tries - 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = provider.GetRequiredService<IOptions<StorageOptions>>().Value.NetworkTimeout;
        options.AddPolicy(new StreamedBody(), HttpPipelinePosition.PerRetry);
        foreach (var policy in provider.GetServices<HttpPipelinePolicy>()) options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
    }

    /// <summary>The client for one of <see cref="StorageNames"/>' tables.</summary>
    public static TableClient Table(this TableServiceClient service, string name) => service.GetTableClient(name);
}

public static class StorageReadinessGate
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Requests that need storage wait for start-up provisioning (briefly) instead of failing on a missing table;
    /// health, docs and the host's readiness probe pass straight through.
    /// </summary>
    public static IApplicationBuilder UseStorageReadinessGate(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var needsStorage = path.StartsWithSegments("/api")
                && !path.StartsWithSegments("/api/health") && !path.StartsWithSegments("/api/openapi") && !path.StartsWithSegments("/api/docs");
            var readiness = context.RequestServices.GetRequiredService<StorageReadiness>();
            if (needsStorage && !readiness.IsReady)
            {
                try
                {
                    await readiness.Ready.WaitAsync(Wait, context.RequestAborted);
                }
                catch (Exception) when (!context.RequestAborted.IsCancellationRequested)
                {
                    await StorageOutage.AnswerAsync(context, "Kho dữ liệu chưa sẵn sàng; hãy thử lại sau ít phút.");
                    return;
                }
            }
            await next();
        });
        return app;
    }
}
