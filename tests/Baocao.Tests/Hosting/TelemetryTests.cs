using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Http;
using Baocao.Hosting;
using Baocao.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Baocao.Tests.Hosting;

public sealed partial class TelemetryTests(TestApp app) : IClassFixture<TestApp>
{
    [Fact]
    public void Without_a_connection_string_nothing_is_collected()
    {
        Assert.Null(app.Factory.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task With_a_connection_string_the_app_collects_and_exports()
    {
        await using var factory = app.CreateFactory(app.Azurite.ConnectionString, new Dictionary<string, string?>
        {
            [Telemetry.ConnectionStringSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/",
        });
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health", TestContext.Current.CancellationToken)).StatusCode);
        Assert.NotNull(factory.Services.GetService<TracerProvider>());
    }

    /// <summary>
    /// Requests, storage calls and structured logs reach Application Insights' ingestion endpoint (a local stand-in
    /// here), and a log line's template values, such as the report's instance id, arrive as its properties.
    /// </summary>
    [Fact]
    public async Task Requests_and_logs_with_their_instance_id_reach_application_insights()
    {
        // A stand-in for the ingestion endpoint: it accepts every batch and keeps its (gzipped) JSON lines.
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var ingestionBuilder = WebApplication.CreateBuilder();
        ingestionBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var ingestion = ingestionBuilder.Build();
        ingestion.MapPost("/v2.1/track", async (HttpRequest request) =>
        {
            Stream body = request.Body;
            if (request.Headers.ContentEncoding == "gzip") body = new GZipStream(body, CompressionMode.Decompress);
            using var reader = new StreamReader(body);
            received.Enqueue(await reader.ReadToEndAsync());
            return Results.Json(new { itemsReceived = 1, itemsAccepted = 1, errors = Array.Empty<object>() });
        });
        await ingestion.StartAsync(TestContext.Current.CancellationToken);
        var endpoint = ingestion.Urls.Single();

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration[Telemetry.ConnectionStringSetting] =
            $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={endpoint}/";
        builder.AddBaocaoTelemetry();
        await using (var telemetryApp = builder.Build())
        {
            telemetryApp.MapGet("/api/instances/{instanceId}", (string instanceId, ILogger<TelemetryTests> logger) =>
            {
                LogDecision(logger, instanceId);
                return "ok";
            });
            await telemetryApp.StartAsync(TestContext.Current.CancellationToken);
            using var client = telemetryApp.GetTestClient();
            await client.GetStringAsync("/api/instances/2026-H1~DONGSON", TestContext.Current.CancellationToken);
            await telemetryApp.StopAsync(TestContext.Current.CancellationToken);
        } // Stopping flushes every exporter.

        var all = string.Join("\n", received);
        Assert.Contains("\"name\":\"Request\"", all);
        Assert.Contains("GET /api/instances/", all);
        Assert.Contains("\"name\":\"Message\"", all);
        Assert.Contains("\"InstanceId\":\"2026-H1~DONGSON\"", all);
    }

    [LoggerMessage(LogLevel.Warning, "Workflow {InstanceId}: returned for correction")]
    private static partial void LogDecision(ILogger logger, string instanceId);
}
