using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Baocao.Hosting;

/// <summary>
/// OpenTelemetry traces, metrics and logs, exported to Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (as in Azure); otherwise nothing is collected and local runs and
/// tests stay as they were. Logs keep their template values (<c>{InstanceId}</c>, <c>{FunctionName}</c>, ...) and their
/// scopes, which become custom dimensions to query by.
/// </summary>
public static class Telemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string ServiceName = "baocao";

    /// <summary>Activity sources of the Azure SDK clients (Tables, Blobs, Queues, Identity).</summary>
    private const string AzureSdkSources = "Azure.*";

    private const string ReviewPaths = "/api/review";

    public static IHostApplicationBuilder AddBaocaoTelemetry(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString)) return builder;

        // Azure.Core emits its storage spans through ActivitySource only when asked to.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        void Export(AzureMonitorExporterOptions o)
        {
            o.ConnectionString = connectionString;
            // A province's reports are a few thousand requests a day: keep every trace, and so every log line tied to
            // one (the exporter's default rate-limited sampling drops both, unpredictably at low volume).
            o.TracesPerSecond = null;
            o.SamplingRatio = 1.0F;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName, serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource(AzureSdkSources)
                .AddAspNetCoreInstrumentation(o =>
                {
                    // A review link's path is its credential: traces keep the route, not the token.
                    o.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.Path.StartsWithSegments(ReviewPaths)) activity.SetTag("url.path", ReviewPaths + "/{token}");
                    };
                })
                .AddHttpClientInstrumentation()
                .AddAzureMonitorTraceExporter(Export))
            .WithMetrics(metrics => metrics
                .AddMeter(BaocaoMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddAzureMonitorMetricExporter(Export))
            .WithLogging(logging => logging.AddAzureMonitorLogExporter(Export), options =>
            {
                options.IncludeScopes = true;
                options.IncludeFormattedMessage = true;
            });
        builder.Services.AddHostedService<TelemetryFlush>();
        return builder;
    }

    /// <summary>
    /// Sends what is still batched when the app stops (the host ends the process at scale-in): disposal alone was seen
    /// to drop the last spans and log records.
    /// </summary>
    private sealed class TelemetryFlush(IServiceProvider services) : IHostedService
    {
        private const int TimeoutMs = 5000;

        private readonly List<Func<bool>> _flushes = [];

        /// <summary>Resolved at start: when the app stops, its service provider may already be disposed.</summary>
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (services.GetService<TracerProvider>() is { } tracer) _flushes.Add(() => tracer.ForceFlush(TimeoutMs));
            if (services.GetService<LoggerProvider>() is { } logger) _flushes.Add(() => logger.ForceFlush(TimeoutMs));
            if (services.GetService<MeterProvider>() is { } meter) _flushes.Add(() => meter.ForceFlush(TimeoutMs));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            foreach (var flush in _flushes)
            {
                try
                {
                    flush();
                }
                catch (ObjectDisposedException)
                {
                    // Already shut down, which flushed it.
                }
            }
            return Task.CompletedTask;
        }
    }
}
