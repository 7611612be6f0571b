using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Baocao.Storage;

namespace Baocao.Workflow;

/// <summary>An operation key already used on an instance: for which request, the version it made, and when.</summary>
public sealed record OperationRecord(string RequestHash, int Version, DateTimeOffset At, ETag ETag);

/// <summary>
/// An instance as read, with the hash of its last event and the ETag that guards the next transition; and, when an
/// operation key was asked about, that key's record if it has one.
/// </summary>
public sealed record InstanceRow(WorkflowInstance Instance, string LastHash, ETag ETag, OperationRecord? Operation = null);

/// <summary>
/// One transition as it commits: the row it was decided on, the instance it leaves, its history event and the work it
/// causes, the timers it sets and removes, and for a Submit the version with the operation key that asked for it.
/// </summary>
public sealed record TransitionCommit(
    InstanceRow Read,
    WorkflowInstance Next,
    HistoryEvent Event,
    IReadOnlyList<WorkItem> Work,
    IReadOnlyList<DurableTimer> SetTimers,
    IReadOnlyList<StoredTimer> RemoveTimers,
    NewVersion? Version,
    OperationKey? Operation);

/// <summary>
/// The <c>workflow</c> table: one partition per instance holds the instance row, its history rows (<c>h000001</c>…),
/// its outbox rows (<c>o000001-00</c>…), its timers (<c>t{name}</c>), the delivery claims of its outbox items
/// (<c>c{outbox id}</c>), the report's versions (<c>v000001</c>…) and the operation keys callers used (<c>k…</c>), so
/// a transition is one entity-group transaction: the instance replaced under the ETag it was read with, the history
/// event, the outbox items, a new version and its operation key added, timers set or removed. All of it commits, or none.
/// A period's partition (the bare period id) holds its completion record, its own outbox and the records of its purges.
/// </summary>
public sealed class WorkflowStore(TableServiceClient service)
{
    private const string InstanceKey = "instance";
    private const string HistoryPrefix = "h";
    private const string OutboxPrefix = "o";
    private const string VersionPrefix = "v";
    private const string OperationPrefix = "k";

    /// <summary>A version's body is kept as UTF-8 in binary properties of at most 64 KiB each, within the 1 MiB of an entity.</summary>
    public const int MaxBodyBytes = BodyChunks * BodyChunkBytes;
    private const int BodyChunks = 12;
    private const int BodyChunkBytes = 64 * 1024;
    private const string TimerPrefix = "t";
    private const string ClaimPrefix = "c";
    private const string CompletedKey = "completed";
    private const string PurgePrefix = "purge";

    /// <summary>The most actions Table Storage takes in one entity-group transaction.</summary>
    private const int MaxBatchActions = 100;

    private readonly TableClient _table = service.Table(StorageNames.WorkflowTable);

    /// <summary>Adds a new instance with its first timers, in one transaction; false when it already exists.</summary>
    public async Task<bool> TryAddAsync(WorkflowInstance instance, CancellationToken cancellationToken, IReadOnlyList<DurableTimer>? timers = null)
    {
        try
        {
            await _table.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.Add, InstanceEntity(instance, "")),
                    .. (timers ?? []).Select(t => new TableTransactionAction(TableTransactionActionType.UpsertReplace, TimerEntity(instance.Id, t))),
                ], cancellationToken);
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

    /// <summary>The instance and the record of an operation key, in one request (both rows share the partition).</summary>
    public async Task<InstanceRow?> GetAsync(string instanceId, string operationKey, CancellationToken cancellationToken)
    {
        var keyRow = OperationRowKey(operationKey);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and (RowKey eq {InstanceKey} or RowKey eq {keyRow})");
        TableEntity? instance = null, operation = null;
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.RowKey == InstanceKey) instance = entity;
            else operation = entity;
        }
        if (instance is null) return null;
        var record = operation is null ? null : new OperationRecord(operation.GetString("RequestHash"), operation.GetInt32("Version")!.Value,
            operation.GetDateTimeOffset("At")!.Value, operation.ETag);
        return new InstanceRow(ReadInstance(instance), instance.GetString("LastHash"), instance.ETag, record);
    }

    /// <summary>Every version of the report, oldest first.</summary>
    public async Task<IReadOnlyList<ReportVersion>> VersionsAsync(string instanceId, CancellationToken cancellationToken) =>
        await RangeAsync(instanceId, VersionPrefix, ReadVersion, cancellationToken);

    /// <summary>
    /// Every instance of a period with its versions (oldest first), from one range query over the period's partitions
    /// (<c>{periodId}~</c> to <c>{periodId}~\uffff</c>) that selects only instance and version rows. Without
    /// <paramref name="withContent"/> the versions' bodies are not fetched and read as empty: enough for a grid of
    /// who submitted when, at a fraction of the bytes.
    /// </summary>
    public async Task<IReadOnlyList<PeriodInstance>> PeriodInstancesAsync(string periodId, bool withContent, CancellationToken cancellationToken)
    {
        var (from, to) = (periodId + "~", periodId + "~\uffff");
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {from} and PartitionKey lt {to} and (RowKey eq {InstanceKey} or (RowKey ge {VersionPrefix} and RowKey lt {VersionPrefix + '\uffff'}))");
        var instances = new List<PeriodInstance>();
        WorkflowInstance? current = null;
        var versions = new List<ReportVersion>();
        // Rows come ordered by partition, then row key: "instance" sorts before "v000001", so each partition reads as one block.
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: withContent ? null : SummaryColumns, cancellationToken: cancellationToken))
        {
            if (entity.RowKey == InstanceKey)
            {
                if (current is not null) instances.Add(new PeriodInstance(current, versions));
                (current, versions) = (ReadInstance(entity), []);
            }
            else if (current is not null && current.Id == entity.PartitionKey)
            {
                versions.Add(ReadVersion(entity));
            }
        }
        if (current is not null) instances.Add(new PeriodInstance(current, versions));
        return instances;
    }

    private static readonly string[] SummaryColumns =
        ["PartitionKey", "RowKey", "PeriodId", "UnitCode", "State", "DefinitionVersion", "Version", "Sequence", "Overdue", "Late", "Missed", "Deadline", "Stage", "StageCount", "StartedAt", "UpdatedAt", "Number", "ReceivedAt", "Receipt"];

    public async Task<ReportVersion?> GetVersionAsync(string instanceId, int number, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(instanceId, VersionKey(number), cancellationToken: cancellationToken);
        return found.HasValue ? ReadVersion(found.Value!) : null;
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

    /// <summary>
    /// Commits a transition; false when somebody changed the instance since it was read, or removed one of the timers it
    /// removes (the race is lost, nothing written). A Submit also adds its report version and records the operation key
    /// that asked for it; a key whose old record has expired is taken over under its ETag.
    /// </summary>
    public async Task<bool> TryCommitAsync(TransitionCommit commit, CancellationToken cancellationToken)
    {
        var (next, e) = (commit.Next, commit.Event);
        List<TableTransactionAction> actions =
        [
            new(TableTransactionActionType.UpdateReplace, InstanceEntity(next, e.Hash), commit.Read.ETag),
            new(TableTransactionActionType.Add, EventEntity(next.Id, e)),
            .. commit.Work.Select((item, index) => new TableTransactionAction(TableTransactionActionType.Add, OutboxEntity(next.Id, e.Sequence, e.At, index, item))),
            .. commit.RemoveTimers.Select(t => new TableTransactionAction(TableTransactionActionType.Delete, TimerEntity(next.Id, t.Timer), t.ETag)),
            .. commit.SetTimers.Select(t => new TableTransactionAction(TableTransactionActionType.UpsertReplace, TimerEntity(next.Id, t))),
        ];
        if (commit.Version is { } version) actions.Add(new(TableTransactionActionType.Add, VersionEntity(next.Id, version.Numbered(next.Version, e.At))));
        if (commit.Operation is { } operation)
        {
            var entity = OperationEntity(next.Id, operation, next.Version, e.At);
            actions.Add(commit.Read.Operation is { } expired
                ? new(TableTransactionActionType.UpdateReplace, entity, expired.ETag)
                : new(TableTransactionActionType.Add, entity));
        }
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (RequestFailedException error) when (error.Status is StatusCodes.Status412PreconditionFailed or StatusCodes.Status409Conflict or StatusCodes.Status404NotFound)
        {
            return false;
        }
    }

    /// <summary>The instances of a period: a range over the partition keys <c>{periodId}~…</c>, reading only instance rows.</summary>
    public async Task<IReadOnlyList<WorkflowInstance>> PeriodInstancesAsync(string periodId, CancellationToken cancellationToken)
    {
        var prefix = periodId + "~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + '\uffff'} and RowKey eq {InstanceKey}");
        var items = new List<WorkflowInstance>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken)) items.Add(ReadInstance(entity));
        return items;
    }

    public async Task<IReadOnlyList<StoredTimer>> TimersAsync(string instanceId, CancellationToken cancellationToken) =>
        await RangeAsync(instanceId, TimerPrefix, ReadTimer, cancellationToken);

    public async Task<StoredTimer?> GetTimerAsync(string instanceId, string name, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(instanceId, TimerPrefix + name, cancellationToken: cancellationToken);
        return found.HasValue ? ReadTimer(found.Value!) : null;
    }

    /// <summary>Removes a timer whose time came to nothing; false when another sweeper already removed or replaced it.</summary>
    public async Task<bool> TryRemoveTimerAsync(StoredTimer timer, CancellationToken cancellationToken) =>
        await SucceedsAsync(() => _table.DeleteEntityAsync(timer.InstanceId, TimerPrefix + timer.Timer.Name, timer.ETag, cancellationToken));

    /// <summary>Records, once, that a period is complete; false when it was already recorded.</summary>
    public async Task<bool> TryCompletePeriodAsync(string periodId, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        await SucceedsAsync(() => _table.AddEntityAsync(new TableEntity(periodId, CompletedKey) { ["Reason"] = reason, ["At"] = at }, cancellationToken));

    /// <summary>When and why a period was recorded complete, or null.</summary>
    public async Task<(string Reason, DateTimeOffset At)?> PeriodCompletionAsync(string periodId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(periodId, CompletedKey, cancellationToken: cancellationToken);
        return found.HasValue ? (found.Value!.GetString("Reason"), found.Value.GetDateTimeOffset("At")!.Value) : null;
    }

    /// <summary>The delivery claim of an outbox item, or null when nobody claimed it yet.</summary>
    public async Task<DeliveryClaim?> GetClaimAsync(string partition, string outboxId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(partition, ClaimPrefix + outboxId, cancellationToken: cancellationToken);
        return found.HasValue
            ? new DeliveryClaim(found.Value!.GetBoolean("Delivered")!.Value, found.Value.GetDateTimeOffset("ClaimedAt")!.Value, found.Value.ETag)
            : null;
    }

    /// <summary>
    /// Claims an outbox item for delivery: a conditional insert, or taking over an abandoned claim under its ETag.
    /// Null when another dispatcher holds or completed it.
    /// </summary>
    public async Task<ETag?> TryClaimAsync(string partition, string outboxId, DateTimeOffset at, DeliveryClaim? abandoned, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(partition, ClaimPrefix + outboxId) { ["Delivered"] = false, ["ClaimedAt"] = at };
        try
        {
            var response = abandoned is null
                ? await _table.AddEntityAsync(entity, cancellationToken)
                : await _table.UpdateEntityAsync(entity, abandoned.ETag, TableUpdateMode.Replace, cancellationToken);
            return response.Headers.ETag;
        }
        catch (RequestFailedException error) when (error.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed)
        {
            return null;
        }
    }

    /// <summary>After delivery: the claim becomes a receipt and the outbox row goes, together.</summary>
    public async Task CompleteDeliveryAsync(string partition, string outboxId, ETag claim, DateTimeOffset at, CancellationToken cancellationToken) =>
        await _table.SubmitTransactionAsync(
            [
                new(TableTransactionActionType.UpdateReplace, new TableEntity(partition, ClaimPrefix + outboxId) { ["Delivered"] = true, ["ClaimedAt"] = at }, claim),
                new(TableTransactionActionType.Delete, new TableEntity(partition, outboxId), ETag.All),
            ], cancellationToken);

    /// <summary>A delivery that failed gives its claim back, so the next attempt may deliver.</summary>
    public async Task ReleaseClaimAsync(string partition, string outboxId, ETag claim, CancellationToken cancellationToken) =>
        await SucceedsAsync(() => _table.DeleteEntityAsync(partition, ClaimPrefix + outboxId, claim, cancellationToken));

    /// <summary>An outbox row whose item was delivered earlier (its receipt says so) but which outlived the delivery.</summary>
    public async Task RemoveOutboxRowAsync(string partition, string outboxId, CancellationToken cancellationToken) =>
        await SucceedsAsync(() => _table.DeleteEntityAsync(partition, outboxId, ETag.All, cancellationToken));

    /// <summary>
    /// Deletes every row of every instance of a period (instance, history, outbox, claims, timers, versions, operation
    /// keys), partition by partition in batches, the instance row last: an interrupted purge leaves the instance listed,
    /// so running it again finishes. Returns how many instances and rows went, and the timers, whose index entries the
    /// caller removes after (an index entry left behind is harmless).
    /// </summary>
    public async Task<PurgedRows> PurgeInstancesAsync(string periodId, CancellationToken cancellationToken)
    {
        var prefix = periodId + "~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix + '\uffff'}");
        var partitions = new Dictionary<string, List<TableEntity>>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "Name", "Kind", "Due", "Payload"], cancellationToken: cancellationToken))
        {
            if (!partitions.TryGetValue(entity.PartitionKey, out var rows)) partitions[entity.PartitionKey] = rows = [];
            rows.Add(entity);
        }
        var timers = new List<StoredTimer>();
        var instances = 0;
        foreach (var rows in partitions.Values)
        {
            timers.AddRange(rows.Where(r => r.RowKey.StartsWith(TimerPrefix, StringComparison.Ordinal)).Select(ReadTimer));
            instances += rows.Count(r => r.RowKey == InstanceKey);
            var ordered = rows.OrderBy(r => r.RowKey == InstanceKey).ToList();
            foreach (var batch in ordered.Chunk(MaxBatchActions))
            {
                await _table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
            }
        }
        return new PurgedRows(instances, partitions.Values.Sum(r => r.Count), timers);
    }

    /// <summary>Keeps the record of a purge in the period's partition, beside its completion record.</summary>
    public async Task AddPurgeRecordAsync(PurgeRecord record, CancellationToken cancellationToken) =>
        await _table.AddEntityAsync(new TableEntity(record.PeriodId, PurgePrefix + record.At.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture))
        {
            ["Actor"] = record.Actor,
            ["At"] = record.At,
            ["Instances"] = record.Instances,
            ["Rows"] = record.Rows,
            ["Timers"] = record.Timers,
            ["Blobs"] = record.Blobs,
            ["Export"] = record.Export,
            ["Confirmed"] = record.Confirmed,
        }, cancellationToken);

    /// <summary>The purges of a period, oldest first.</summary>
    public async Task<IReadOnlyList<PurgeRecord>> PurgeRecordsAsync(string periodId, CancellationToken cancellationToken) =>
        await RangeAsync(periodId, PurgePrefix, t => new PurgeRecord(t.PartitionKey, t.GetString("Actor"), t.GetDateTimeOffset("At")!.Value,
            t.GetInt32("Instances")!.Value, t.GetInt32("Rows")!.Value, (t.GetInt32("Timers") ?? t.GetInt32("TimerEntries"))!.Value, t.GetInt32("Blobs")!.Value,
            t.GetString("Export"), t.GetBoolean("Confirmed")!.Value), cancellationToken);

    /// <summary>Runs a conditional write; false when its condition failed (conflict, precondition, gone).</summary>
    private static async Task<bool> SucceedsAsync(Func<Task> write)
    {
        try
        {
            await write();
            return true;
        }
        catch (RequestFailedException error) when (error.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed or StatusCodes.Status404NotFound)
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

    private static string VersionKey(int number) => $"{VersionPrefix}{number:D6}";

    /// <summary>Keys are the caller's text: hashed, so any characters and lengths make a valid row key.</summary>
    private static string OperationRowKey(string key) =>
        OperationPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static TableEntity VersionEntity(string instanceId, ReportVersion version)
    {
        var body = Encoding.UTF8.GetBytes(version.Body);
        if (body.Length > MaxBodyBytes) throw new ArgumentException($"A version body holds at most {MaxBodyBytes} bytes (got {body.Length}).", nameof(version));
        var entity = new TableEntity(instanceId, VersionKey(version.Number))
        {
            ["Number"] = version.Number,
            ["ReceivedAt"] = version.ReceivedAt,
            ["Late"] = version.Late,
            ["Receipt"] = version.Receipt,
        };
        for (var chunk = 0; chunk * BodyChunkBytes < body.Length; chunk++)
        {
            entity[$"Body{chunk:D2}"] = body.AsSpan(chunk * BodyChunkBytes, Math.Min(BodyChunkBytes, body.Length - chunk * BodyChunkBytes)).ToArray();
        }
        return entity;
    }

    private static ReportVersion ReadVersion(TableEntity t)
    {
        using var body = new MemoryStream();
        for (var chunk = 0; t.GetBinary($"Body{chunk:D2}") is { } bytes; chunk++) body.Write(bytes);
        return new ReportVersion(t.GetInt32("Number")!.Value, t.GetDateTimeOffset("ReceivedAt")!.Value, t.GetBoolean("Late")!.Value,
            t.GetString("Receipt"), Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length));
    }

    private static TableEntity OperationEntity(string instanceId, OperationKey operation, int version, DateTimeOffset at) =>
        new(instanceId, OperationRowKey(operation.Key))
        {
            ["Key"] = operation.Key,
            ["RequestHash"] = operation.RequestHash,
            ["Version"] = version,
            ["At"] = at,
        };

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
        ["Missed"] = i.Missed,
        ["Deadline"] = i.Deadline,
        ["Stage"] = i.Stage,
        ["StageCount"] = i.StageCount,
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
        t.GetDateTimeOffset("UpdatedAt")!.Value,
        t.GetBoolean("Missed") ?? false,
        t.GetDateTimeOffset("Deadline"),
        // Rows written before stages became a list knew two positions: review, then approval.
        t.GetInt32("Stage") ?? (t.GetString("State") == nameof(ReportState.AwaitingApproval) ? 1 : 0),
        t.GetInt32("StageCount") ?? WorkflowDefinition.ClassicPositions);

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
        ["InStage"] = e.InStage is null ? null : JsonSerializer.Serialize(e.InStage, StageFacts.Json),
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
        t.GetString("Hash"),
        t.GetString("InStage") is { } fact ? JsonSerializer.Deserialize<StageFact>(fact, StageFacts.Json) : null);

    private static TableEntity OutboxEntity(string partition, int sequence, DateTimeOffset at, int index, WorkItem item) =>
        OutboxRow(partition, $"{sequence:D6}-{index:D2}", sequence, at, item);

    /// <summary>
    /// An outbox row as the dispatcher reads it, under a name of the caller's (after the <c>o</c> prefix): a feature that
    /// keeps its own partition (the reminder digests) commits work there in its own transactions.
    /// </summary>
    public static TableEntity OutboxRow(string partition, string name, int sequence, DateTimeOffset at, WorkItem item) =>
        new(partition, OutboxPrefix + name)
        {
            ["Sequence"] = sequence,
            ["Kind"] = item.Kind,
            ["Payload"] = item.Payload.GetRawText(),
            ["CreatedAt"] = at,
        };

    private static TableEntity TimerEntity(string instanceId, DurableTimer timer) => new(instanceId, TimerPrefix + timer.Name)
    {
        ["Name"] = timer.Name,
        ["Kind"] = timer.Kind,
        ["Due"] = timer.Due,
        ["Payload"] = timer.Payload?.GetRawText(),
    };

    private static StoredTimer ReadTimer(TableEntity t) => new(
        t.PartitionKey,
        new DurableTimer(t.GetString("Name"), t.GetString("Kind"), t.GetDateTimeOffset("Due")!.Value,
            t.GetString("Payload") is { } payload ? JsonElement.Parse(payload) : null),
        t.ETag);

    private static OutboxItem ReadOutbox(TableEntity t) => new(
        t.RowKey,
        t.GetInt32("Sequence")!.Value,
        t.GetString("Kind"),
        JsonElement.Parse(t.GetString("Payload")),
        t.GetDateTimeOffset("CreatedAt")!.Value);
}

/// <summary>What purging a period's instances removed: instances, rows in all, and the timers whose index entries must go too.</summary>
public sealed record PurgedRows(int Instances, int Rows, IReadOnlyList<StoredTimer> Timers);

/// <summary>Who is delivering an outbox item: a claim in progress since <see cref="ClaimedAt"/>, or a receipt once delivered.</summary>
public sealed record DeliveryClaim(bool Delivered, DateTimeOffset ClaimedAt, ETag ETag);
