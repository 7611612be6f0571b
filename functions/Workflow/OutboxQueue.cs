using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Baocao.Storage;

namespace Baocao.Workflow;

/// <summary>The message that tells a dispatcher a partition's outbox has work: only where to look, never the work itself.</summary>
public sealed record OutboxMessage(string Partition);

/// <summary>
/// Announces committed outbox rows on the <c>outbox</c> queue. The announcement comes after the commit, so a crash
/// in between would lose it: <see cref="PrepareAsync"/> writes a recovery entry to the timer index before the commit,
/// and the sweep re-announces the partition if its rows are still there when the entry comes due.
/// Messages are base64, the Functions queue trigger's default encoding, so the host and the local loop read the same.
/// </summary>
public sealed partial class OutboxQueue(QueueServiceClient queues, TimerIndex index, ILogger<OutboxQueue> logger)
{
    /// <summary>How long a committed outbox may wait for its announcement before the sweep announces it again.</summary>
    public static readonly TimeSpan RecoveryDelay = TimeSpan.FromMinutes(2);

    private readonly QueueClient _queue = queues.GetQueueClient(StorageNames.OutboxQueue);

    public static string Encode(OutboxMessage message) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(message, JsonSerializerOptions.Web));

    /// <summary>Reads a message as the queue holds it (base64) or as the Functions host hands it over (already decoded).</summary>
    public static OutboxMessage? Decode(string text)
    {
        var json = text.TrimStart().StartsWith('{') ? text : Encoding.UTF8.GetString(Convert.FromBase64String(text.Trim()));
        var message = JsonSerializer.Deserialize<OutboxMessage>(json, JsonSerializerOptions.Web);
        return string.IsNullOrWhiteSpace(message?.Partition) ? null : message;
    }

    /// <summary>Written ahead of a batch that adds outbox rows.</summary>
    public Task PrepareAsync(string partition, DateTimeOffset at, CancellationToken cancellationToken) =>
        index.PutAsync(new DueEntry(partition, "outbox", DueKind.Outbox, at + RecoveryDelay), cancellationToken);

    /// <summary>
    /// Announces a partition's outbox. A failure here is logged, not thrown: the transition has committed, and the
    /// recovery entry written ahead brings the announcement back.
    /// </summary>
    public async Task AnnounceAsync(string partition, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.SendMessageAsync(Encode(new OutboxMessage(partition)), cancellationToken);
        }
        catch (Exception error) when (error is Azure.RequestFailedException || StorageOutage.Is(error, cancellationToken))
        {
            LogAnnounceFailed(logger, partition, error);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Outbox of {InstanceId} committed but not announced; the sweep will announce it")]
    private static partial void LogAnnounceFailed(ILogger logger, string instanceId, Exception error);
}
