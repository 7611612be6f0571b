using System.Net;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;

namespace Baocao.LocalHost.Durable;

/// <summary>
/// The engine Durable Functions runs in Azure, run in this process: DurableTask.Core's <see cref="TaskHubWorker"/>
/// (the production dispatchers: lock renewal, abandon, stale-message filtering) over the Azure Storage provider, set up
/// from host.json's <c>extensions.durableTask</c>. Functions reach it through the client Azure hands a
/// <c>[DurableClient]</c> parameter, a <see cref="GrpcDurableTaskClient"/>, here talking to the SDK's gRPC task-hub
/// server on a loopback port in API-only mode (its own dispatchers never start; the worker's do the work).
/// </summary>
internal sealed partial class LocalDurableEngine(DurableFunctions functions, HostJson hostJson, IConfiguration configuration,
    IEnumerable<Azure.Core.Pipeline.HttpPipelinePolicy> storagePolicies, ILoggerFactory loggers, ILogger<LocalDurableEngine> logger)
    : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource<DurableTaskClient> _client = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private TaskHubWorker? _worker;
    private WebApplication? _clientServer;
    private GrpcChannel? _channel;
    private Task _starting = Task.CompletedTask;

    /// <summary>The client for a <c>[DurableClient]</c> parameter, once the task hub exists.</summary>
    public Task<DurableTaskClient> ClientAsync(CancellationToken cancellationToken) => _client.Task.WaitAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!functions.Any) return Task.CompletedTask;
        var settings = hostJson.Durable.ForProvider(configuration["AzureWebJobsStorage"]
            ?? throw new InvalidOperationException("The app setting AzureWebJobsStorage is not set."), loggers, storagePolicies);
        var service = new AzureStorageOrchestrationService(settings);
        // In the background, as the host does: storage that is not reachable yet delays the engine, not the app's start.
        _starting = Task.Run(() => StartWhenReachableAsync(service, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StartWhenReachableAsync(AzureStorageOrchestrationService service, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Never the parameterless CreateAsync: it deletes the task hub first.
                await service.CreateIfNotExistsAsync();
                break;
            }
            // The provider wraps storage failures in types of its own; whatever the cause, the next attempt may succeed.
            catch (Exception error) when (!stopping.IsCancellationRequested)
            {
                LogUnreachable(logger, attempt, error.Message);
                await Task.Delay(RetryDelay, stopping);
            }
        }
        _worker = functions.AddTo(new TaskHubWorker(service, loggers));
        await _worker.StartAsync();
        _clientServer = await StartClientServerAsync(service, stopping);
        _channel = GrpcChannel.ForAddress(_clientServer.Urls.Single());
        _client.TrySetResult(new GrpcDurableTaskClient(hostJson.Durable.HubName, new GrpcDurableTaskClientOptions { Channel = _channel },
            loggers.CreateLogger<GrpcDurableTaskClient>()));
        LogStarted(logger, hostJson.Durable.HubName, functions.Orchestrations.Count, functions.Activities.Count);
    }

    private static async Task<WebApplication> StartClientServerAsync(AzureStorageOrchestrationService service, CancellationToken stopping)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(service).AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.Configure<TaskHubGrpcServerOptions>(options => options.Mode = TaskHubGrpcServerMode.ApiServerOnly);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var server = builder.Build();
        server.MapGrpcService<TaskHubGrpcServer>();
        await server.StartAsync(stopping);
        return server;
    }

    // Hosts may stop twice (a test's factory stops, then disposes): whatever is stopped is let go, so a repeat does nothing.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            await _starting;
        }
        // A start still trying to reach storage is abandoned: whatever its last attempt failed on no longer matters.
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
        }
        _client.TrySetCanceled(CancellationToken.None);
        // Forced: work in flight is abandoned to its queue's visibility time-out, exactly what a crash leaves.
        if (Interlocked.Exchange(ref _worker, null) is { } worker)
        {
            await worker.StopAsync(isForced: true);
            worker.Dispose();
        }
        if (Interlocked.Exchange(ref _clientServer, null) is { } server)
        {
            _channel?.Dispose();
            await server.StopAsync(cancellationToken);
            await server.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    [LoggerMessage(LogLevel.Information, "Durable task hub {HubName} running: {Orchestrations} orchestrations, {Activities} activities")]
    private static partial void LogStarted(ILogger logger, string hubName, int orchestrations, int activities);

    [LoggerMessage(LogLevel.Warning, "Durable task hub not reachable yet (attempt {Attempt}): {Reason}")]
    private static partial void LogUnreachable(ILogger logger, int attempt, string reason);
}
