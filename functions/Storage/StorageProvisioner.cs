using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Baocao.Hosting;
using Microsoft.Extensions.Options;

namespace Baocao.Storage;

/// <summary>
/// After the listener is up: starts local Azurite when asked to, creates every table, container and queue,
/// runs the start-up tasks, then opens the gate. Storage that is not there yet is retried, not fatal.
/// </summary>
internal sealed partial class StorageProvisioner(
    StorageConnection connection,
    TableServiceClient tables,
    BlobServiceClient blobs,
    QueueServiceClient queues,
    IEnumerable<IStartupTask> startupTasks,
    StorageReadiness readiness,
    IOptions<BaocaoOptions> options,
    IHostEnvironment environment,
    ILogger<StorageProvisioner> logger) : BackgroundService
{
    private LocalAzurite? _azurite;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await StartLocalAzuriteIfWantedAsync(stoppingToken);
            await RetryUntilReachableAsync(CreateResourcesAsync, stoppingToken);
            foreach (var task in startupTasks)
            {
                await task.RunAsync(stoppingToken);
            }
            readiness.MarkReady();
            LogReady(logger);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            readiness.MarkFailed(new OperationCanceledException("The app stopped before storage was ready."));
        }
        catch (Exception error)
        {
            LogFailed(logger, error);
            readiness.MarkFailed(error);
        }
    }

    private async Task StartLocalAzuriteIfWantedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.StartLocalAzurite || !connection.IsDevelopmentStorage) return;
        if (await LocalAzurite.IsListeningAsync(10002, cancellationToken))
        {
            LogAzuriteAlreadyRunning(logger);
            return;
        }
        var root = FolderAbove(environment.ContentRootPath, "package.json")
            ?? throw new InvalidOperationException("Cannot find package.json above the content root to start Azurite from.");
        _azurite = await LocalAzurite.StartAsync(root, 10000, 10001, 10002, Path.Combine(root, ".azurite"), cancellationToken);
        LogAzuriteStarted(logger, root);
    }

    private static string? FolderAbove(string start, string fileName)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, fileName))) return folder.FullName;
        }
        return null;
    }

    private async Task CreateResourcesAsync(CancellationToken cancellationToken)
    {
        foreach (var name in StorageNames.Tables) await tables.CreateTableIfNotExistsAsync(name, cancellationToken);
        foreach (var name in StorageNames.Containers) await blobs.GetBlobContainerClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (var name in StorageNames.Queues) await queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }

    private async Task RetryUntilReachableAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await work(cancellationToken);
                return;
            }
            // However long storage stays away, the app keeps trying: requests meanwhile get 503 with Retry-After, and
            // the app serves once storage comes, with no restart.
            catch (Exception error) when (StorageOutage.Is(error, cancellationToken))
            {
                LogStorageRetry(logger, attempt, delay, error.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(15).Ticks));
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_azurite is not null) await _azurite.DisposeAsync();
    }

    [LoggerMessage(LogLevel.Information, "Storage ready: tables, containers and queues exist; start-up tasks ran")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(LogLevel.Critical, "Storage could not be made ready")]
    private static partial void LogFailed(ILogger logger, Exception error);

    [LoggerMessage(LogLevel.Information, "Azurite already listens on 10002; using it")]
    private static partial void LogAzuriteAlreadyRunning(ILogger logger);

    [LoggerMessage(LogLevel.Information, "Started Azurite from {Root}/node_modules, data in .azurite/")]
    private static partial void LogAzuriteStarted(ILogger logger, string root);

    [LoggerMessage(LogLevel.Warning, "Storage not reachable (attempt {Attempt}); retrying in {Delay}: {Reason}")]
    private static partial void LogStorageRetry(ILogger logger, int attempt, TimeSpan delay, string reason);
}
