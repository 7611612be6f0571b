using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Baocao.Storage;

public sealed record HealthReport(string Status, bool Ready, IReadOnlyDictionary<string, string> Storage);

/// <summary>Whether the app is up and its storage answers, for probes and operators.</summary>
[Tags("Vận hành")]
public sealed class HealthFunctions(TableServiceClient tables, BlobServiceClient blobs, QueueServiceClient queues, StorageReadiness readiness)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    [Function("Health"), EndpointSummary("Liveness and storage reachability")]
    [EndpointDescription("200 when tables, blobs and queues answer; 503 with the service that does not.")]
    public async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken cancellationToken)
    {
        var probes = new Dictionary<string, Func<CancellationToken, Task>>
        {
            ["tables"] = ct => tables.QueryAsync(maxPerPage: 1, cancellationToken: ct).AsPages().GetAsyncEnumerator(ct).MoveNextAsync().AsTask(),
            ["blobs"] = ct => blobs.GetBlobContainerClient(StorageNames.AttachmentsContainer).ExistsAsync(ct),
            ["queues"] = ct => queues.GetQueueClient(StorageNames.OutboxQueue).ExistsAsync(ct),
        };
        var results = await Task.WhenAll(probes.Select(async probe => (probe.Key, Ok: await ProbeAsync(probe.Value, cancellationToken))));
        var storage = results.ToDictionary(r => r.Key, r => r.Ok ? "ok" : "unreachable");
        var healthy = results.All(r => r.Ok);
        var report = new HealthReport(healthy ? "healthy" : "unhealthy", readiness.IsReady, storage);
        return healthy ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<bool> ProbeAsync(Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await probe(timeout.Token);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
