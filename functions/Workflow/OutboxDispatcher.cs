using Baocao.Hosting;
using Microsoft.DurableTask.Client;

namespace Baocao.Workflow;

/// <summary>
/// Delivers one kind of work item. Features register one per kind they emit (mail, period completion, later
/// consolidation), so the dispatcher never learns what the work means.
/// </summary>
public interface IWorkReceiver
{
    string Kind { get; }

    /// <summary>Performs the item; throws when it could not, so the item is tried again.</summary>
    Task DeliverAsync(WorkDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>
/// An outbox item being delivered, from the partition that holds it, with the workflow client of the function that
/// dispatches (null where there is none, as in a timer sweep: work that signals an orchestration then waits for the queue).
/// </summary>
public sealed record WorkDelivery(string Partition, OutboxItem Item, DurableTaskClient? Workflow);

/// <summary>Thrown when some of a partition's outbox items could not be delivered; the queue message is retried.</summary>
public sealed class OutboxDeliveryException(string partition, IReadOnlyList<string> failed, Exception? first)
    : Exception($"Outbox of {partition}: {failed.Count} item(s) not delivered ({string.Join(", ", failed)}).", first);

/// <summary>
/// The outbox dispatcher, the one handler behind the Functions queue trigger on <c>outbox</c> and the local queue loop.
/// A message names a partition; every outbox row waiting there is delivered at least once, and at most once while
/// dispatchers are alive: each item is claimed with a conditional insert before its receiver runs, and the claim
/// becomes a receipt in the same transaction that deletes the row. A claim left by a dispatcher that died is taken over
/// after <see cref="ClaimLease"/>.
/// </summary>
public sealed partial class OutboxDispatcher(WorkflowStore store, IEnumerable<IWorkReceiver> receivers, PeopleTime time, BaocaoMetrics metrics, ILogger<OutboxDispatcher> logger)
{
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, IWorkReceiver> _receivers = receivers.ToDictionary(r => r.Kind);

    public async Task DispatchAsync(string queueMessage, DurableTaskClient? workflow, CancellationToken cancellationToken)
    {
        var message = OutboxQueue.Decode(queueMessage)
            ?? throw new ArgumentException("An outbox message names the partition whose outbox has work: {\"partition\":\"…\"}.", nameof(queueMessage));
        var partition = message.Partition;
        var failed = new List<string>();
        Exception? first = null;
        foreach (var item in await store.OutboxAsync(partition, cancellationToken))
        {
            try
            {
                await DeliverOnceAsync(new WorkDelivery(partition, item, workflow), cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogFailed(logger, partition, item.Id, item.Kind, error);
                failed.Add(item.Id);
                first ??= error;
            }
        }
        if (failed.Count > 0) throw new OutboxDeliveryException(partition, failed, first);
    }

    private async Task DeliverOnceAsync(WorkDelivery delivery, CancellationToken cancellationToken)
    {
        var (partition, item) = (delivery.Partition, delivery.Item);
        if (!_receivers.TryGetValue(item.Kind, out var receiver))
        {
            // Work for a feature not deployed yet waits in the outbox rather than failing the items beside it.
            LogNoReceiver(logger, partition, item.Id, item.Kind);
            return;
        }
        var now = time.UtcNow;
        var claim = await store.GetClaimAsync(partition, item.Id, cancellationToken);
        if (claim is { Delivered: true })
        {
            await store.RemoveOutboxRowAsync(partition, item.Id, cancellationToken);
            LogAlreadyDelivered(logger, partition, item.Id);
            return;
        }
        if (claim is not null && now - claim.ClaimedAt < ClaimLease)
        {
            throw new InvalidOperationException($"Outbox item {item.Id} of {partition} is being delivered by another dispatcher.");
        }
        if (await store.TryClaimAsync(partition, item.Id, now, claim, cancellationToken) is not { } held)
        {
            throw new InvalidOperationException($"Outbox item {item.Id} of {partition} was claimed by another dispatcher meanwhile.");
        }
        try
        {
            await receiver.DeliverAsync(delivery, cancellationToken);
        }
        catch
        {
            await store.ReleaseClaimAsync(partition, item.Id, held, CancellationToken.None);
            throw;
        }
        await store.CompleteDeliveryAsync(partition, item.Id, held, time.UtcNow, cancellationToken);
        metrics.OutboxDelivered(time.UtcNow - item.CreatedAt);
        LogDelivered(logger, partition, item.Id, item.Kind);
    }

    [LoggerMessage(LogLevel.Information, "Outbox of {InstanceId}: delivered {OutboxId} ({Kind})")]
    private static partial void LogDelivered(ILogger logger, string instanceId, string outboxId, string kind);

    [LoggerMessage(LogLevel.Information, "Outbox of {InstanceId}: {OutboxId} was delivered before; removing the row")]
    private static partial void LogAlreadyDelivered(ILogger logger, string instanceId, string outboxId);

    [LoggerMessage(LogLevel.Warning, "Outbox of {InstanceId}: delivering {OutboxId} ({Kind}) failed")]
    private static partial void LogFailed(ILogger logger, string instanceId, string outboxId, string kind, Exception error);

    [LoggerMessage(LogLevel.Error, "Outbox of {InstanceId}: no receiver for {OutboxId} of kind {Kind}; it waits in the outbox")]
    private static partial void LogNoReceiver(ILogger logger, string instanceId, string outboxId, string kind);
}
