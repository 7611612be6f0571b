using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Baocao.Storage;

namespace Baocao.Workflow;

/// <summary>An instance as read, with the hash of its last event and the ETag that guards the next transition.</summary>
public sealed record InstanceRow(WorkflowInstance Instance, string LastHash, ETag ETag);

/// <summary>
/// The <c>workflow</c> table: one partition per instance holds the instance row, its history rows (<c>h000001</c>…) and
/// its outbox rows (<c>o000001-00</c>…), so a transition is one entity-group transaction: the instance replaced under
/// the ETag it was read with, the history event and the outbox items added. All of it commits, or none.
/// </summary>
public sealed class WorkflowStore(TableServiceClient service)
{
    private const string InstanceKey = "instance";
    private const string HistoryPrefix = "h";
    private const string OutboxPrefix = "o";

    private readonly TableClient _table = service.Table(StorageNames.WorkflowTable);

    /// <summary>Adds a new instance; false when it already exists.</summary>
    public async Task<bool> TryAddAsync(WorkflowInstance instance, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(InstanceEntity(instance, ""), cancellationToken);
            return true;
        }
        catch (RequestFailedException error) when (error.Status == StatusCodes.Status409Conflict)
        {
            return false;
        }
    }

    public async Task<InstanceRow?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(instanceId, InstanceKey, cancellationToken: cancellationToken);
        return found.HasValue ? new InstanceRow(ReadInstance(found.Value!), found.Value!.GetString("LastHash"), found.Value.ETag) : null;
    }

    public async Task<HistoryEvent?> GetEventAsync(string instanceId, int sequence, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(instanceId, HistoryKey(sequence), cancellationToken: cancellationToken);
        return found.HasValue ? ReadEvent(found.Value!) : null;
    }

    /// <summary>History rows sort by their zero-padded key, so the range query returns them oldest first.</summary>
    public async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        await RangeAsync(instanceId, HistoryPrefix, ReadEvent, cancellationToken);

    public async Task<IReadOnlyList<OutboxItem>> OutboxAsync(string instanceId, CancellationToken cancellationToken) =>
        await RangeAsync(instanceId, OutboxPrefix, ReadOutbox, cancellationToken);

    /// <summary>Commits a transition; false when somebody changed the instance since <paramref name="read"/> (the race is lost, nothing written).</summary>
    public async Task<bool> TryCommitAsync(InstanceRow read, WorkflowInstance next, HistoryEvent e, IReadOnlyList<WorkItem> work, CancellationToken cancellationToken)
    {
        List<TableTransactionAction> actions =
        [
            new(TableTransactionActionType.UpdateReplace, InstanceEntity(next, e.Hash), read.ETag),
            new(TableTransactionActionType.Add, EventEntity(next.Id, e)),
            .. work.Select((item, index) => new TableTransactionAction(TableTransactionActionType.Add, OutboxEntity(next.Id, e, index, item))),
        ];
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (RequestFailedException error) when (error.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status409Conflict)
        {
            return false;
        }
    }

    private async Task<IReadOnlyList<T>> RangeAsync<T>(string instanceId, string prefix, Func<TableEntity, T> read, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and RowKey ge {prefix} and RowKey lt {prefix + '\uffff'}");
        var items = new List<T>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            items.Add(read(entity));
        }
        return items;
    }

    private static string HistoryKey(int sequence) => $"{HistoryPrefix}{sequence:D6}";

    private static TableEntity InstanceEntity(WorkflowInstance i, string lastHash) => new(i.Id, InstanceKey)
    {
        ["PeriodId"] = i.PeriodId,
        ["UnitCode"] = i.UnitCode,
        ["State"] = i.State.ToString(),
        ["DefinitionVersion"] = i.DefinitionVersion,
        ["Version"] = i.Version,
        ["Sequence"] = i.Sequence,
        ["Overdue"] = i.Overdue,
        ["Late"] = i.Late,
        ["StartedAt"] = i.StartedAt,
        ["UpdatedAt"] = i.UpdatedAt,
        ["LastHash"] = lastHash,
    };

    private static WorkflowInstance ReadInstance(TableEntity t) => new(
        t.PartitionKey,
        t.GetString("PeriodId"),
        t.GetString("UnitCode"),
        Enum.Parse<ReportState>(t.GetString("State")),
        t.GetInt32("DefinitionVersion")!.Value,
        t.GetInt32("Version")!.Value,
        t.GetInt32("Sequence")!.Value,
        t.GetBoolean("Overdue")!.Value,
        t.GetBoolean("Late")!.Value,
        t.GetDateTimeOffset("StartedAt")!.Value,
        t.GetDateTimeOffset("UpdatedAt")!.Value);

    private static TableEntity EventEntity(string instanceId, HistoryEvent e) => new(instanceId, HistoryKey(e.Sequence))
    {
        ["Sequence"] = e.Sequence,
        ["Trigger"] = e.Trigger.ToString(),
        ["Actor"] = e.Actor,
        ["Channel"] = e.Channel.ToString(),
        ["At"] = e.At,
        ["Version"] = e.Version,
        ["Comment"] = e.Comment,
        ["ReasonCode"] = e.ReasonCode,
        ["FromState"] = e.From.ToString(),
        ["ToState"] = e.To.ToString(),
        ["Hash"] = e.Hash,
    };

    private static HistoryEvent ReadEvent(TableEntity t) => new(
        t.GetInt32("Sequence")!.Value,
        Enum.Parse<ReportTrigger>(t.GetString("Trigger")),
        t.GetString("Actor"),
        Enum.Parse<WorkflowChannel>(t.GetString("Channel")),
        t.GetDateTimeOffset("At")!.Value,
        t.GetInt32("Version")!.Value,
        t.GetString("Comment"),
        t.GetString("ReasonCode"),
        Enum.Parse<ReportState>(t.GetString("FromState")),
        Enum.Parse<ReportState>(t.GetString("ToState")),
        t.GetString("Hash"));

    private static TableEntity OutboxEntity(string instanceId, HistoryEvent e, int index, WorkItem item) =>
        new(instanceId, $"{OutboxPrefix}{e.Sequence:D6}-{index:D2}")
        {
            ["Sequence"] = e.Sequence,
            ["Kind"] = item.Kind,
            ["Payload"] = item.Payload.GetRawText(),
            ["CreatedAt"] = e.At,
        };

    private static OutboxItem ReadOutbox(TableEntity t) => new(
        t.RowKey,
        t.GetInt32("Sequence")!.Value,
        t.GetString("Kind"),
        JsonElement.Parse(t.GetString("Payload")),
        t.GetDateTimeOffset("CreatedAt")!.Value);
}
