using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Baocao.Catalog;
using Baocao.Reminders;
using Baocao.Storage;
using Baocao.Workflow;

namespace Baocao.Tests.Infrastructure;

/// <summary>One row as stored: its partition, its key and the ETag that changes with every write to it.</summary>
public sealed record StoredRow(string Partition, string Key, ETag ETag);

/// <summary>
/// What the app keeps in storage, asked in the words of its features: a report's versions, history, outbox and timers,
/// a period's rows, the timer index's entries, a unit key's stored values, an upload's record, attachments and exports.
/// The one place tests learn the storage layout: names come from <see cref="StorageNames"/> and the stores' own
/// constants, and a report's rows are read through the app's <see cref="WorkflowStore"/> wherever it has a reader; the
/// row-key prefixes it keeps private are spelled once, below, as it writes them.
/// </summary>
public sealed class StoredRecords(string connectionString)
{
    /// <summary>The row keys of a report's partition, as <see cref="WorkflowStore"/> writes them.</summary>
    private const string TimerPrefix = "t", HistoryPrefix = "h";

    /// <summary>A reminder notice waiting in the digest partition, as <see cref="DigestStore"/> writes it.</summary>
    private const string NoticePrefix = "n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TableServiceClient _tables = new(connectionString);

    private TableClient Table(string name) => _tables.GetTableClient(name);

    /// <summary>The app's own reader of reports, over this storage.</summary>
    public WorkflowStore Reports => new(_tables);

    public Task<InstanceRow?> InstanceAsync(string instanceId) => Reports.GetAsync(instanceId, Ct);

    public Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string instanceId) => Reports.HistoryAsync(instanceId, Ct);

    public Task<IReadOnlyList<OutboxItem>> OutboxAsync(string instanceId) => Reports.OutboxAsync(instanceId, Ct);

    public Task<IReadOnlyList<StoredTimer>> TimersAsync(string instanceId) => Reports.TimersAsync(instanceId, Ct);

    public Task<StoredTimer?> TimerAsync(string instanceId, string name) => Reports.GetTimerAsync(instanceId, name, Ct);

    /// <summary>The claim (or, once delivered, the receipt) of an outbox item, null when nobody claimed it.</summary>
    public Task<DeliveryClaim?> DeliveryClaimAsync(string instanceId, string outboxId) => Reports.GetClaimAsync(instanceId, outboxId, Ct);

    public async Task<int> VersionCountAsync(string instanceId) => (await Reports.VersionsAsync(instanceId, Ct)).Count;

    /// <summary>The instances of a period, read as the app reads them (a range over the period's report partitions).</summary>
    public Task<IReadOnlyList<WorkflowInstance>> InstancesOfPeriodAsync(string periodId) => Reports.PeriodInstancesAsync(periodId, Ct);

    /// <summary>Every row of a report: instance, history, outbox, claims, timers, versions, operation keys.</summary>
    public async Task<IReadOnlyList<StoredRow>> RowsOfReportAsync(string instanceId) =>
        await Table(StorageNames.WorkflowTable).QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, cancellationToken: Ct).Select(Row).ToListAsync(Ct);

    /// <summary>Every row of every report of a period (the partitions <c>{periodId}~{unit}</c>).</summary>
    public async Task<IReadOnlyList<StoredRow>> RowsOfPeriodAsync(string periodId) =>
        await PeriodRows(periodId).Select(Row).ToListAsync(Ct);

    /// <summary>The durable timers of a period's reports, by report and timer name.</summary>
    public async Task<IReadOnlyList<(string InstanceId, string Name)>> TimersOfPeriodAsync(string periodId) =>
        await PeriodRows(periodId).Where(e => e.RowKey.StartsWith(TimerPrefix, StringComparison.Ordinal))
            .Select(e => (e.PartitionKey, e.RowKey[TimerPrefix.Length..])).ToListAsync(Ct);

    private IAsyncEnumerable<TableEntity> PeriodRows(string periodId)
    {
        var (from, to) = (periodId + "~", periodId + "~\uffff");
        return Table(StorageNames.WorkflowTable).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {from} and PartitionKey lt {to}"),
            cancellationToken: Ct);
    }

    /// <summary>How many of a period's reports hold a timer of that name.</summary>
    public async Task<int> ReportsWithTimerAsync(string periodId, string timerName) => (await TimersOfPeriodAsync(periodId)).Count(t => t.Name == timerName);

    /// <summary>As if a report was never written: every row of its partition goes.</summary>
    public async Task ForgetReportAsync(string instanceId)
    {
        var table = Table(StorageNames.WorkflowTable);
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId, cancellationToken: Ct))
        {
            await table.DeleteEntityAsync(row, cancellationToken: Ct);
        }
    }

    /// <summary>Changes the comment of a stored history event behind the app's back, as somebody with access to storage could.</summary>
    public async Task RewriteHistoryCommentAsync(string instanceId, int sequence, string comment)
    {
        var table = Table(StorageNames.WorkflowTable);
        var row = (await table.GetEntityAsync<TableEntity>(instanceId, $"{HistoryPrefix}{sequence:D6}", cancellationToken: Ct)).Value;
        row["Comment"] = comment;
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
    }

    /// <summary>The reminder notices waiting in the digest partition to be gathered into a mail.</summary>
    public async Task<int> WaitingNoticesAsync() =>
        await Table(StorageNames.WorkflowTable).QueryAsync<TableEntity>(e => e.PartitionKey == DigestStore.Partition, select: ["RowKey"], cancellationToken: Ct)
            .CountAsync(e => e.RowKey.StartsWith(NoticePrefix, StringComparison.Ordinal), Ct);

    /// <summary>A period's record in the catalogue, as the JSON it is kept in.</summary>
    public async Task<string> PeriodRecordAsync(string periodId) =>
        (await Table(StorageNames.CatalogTable).GetEntityAsync<TableEntity>(CatalogStore.Periods, periodId, cancellationToken: Ct)).Value.GetString("Json");

    /// <summary>Every value stored about unit keys, as text (binary values in base 64).</summary>
    public async Task<IReadOnlyList<string>> UnitKeyValuesAsync()
    {
        var values = new List<string>();
        await foreach (var entity in Table(StorageNames.ApiKeysTable).QueryAsync<TableEntity>(cancellationToken: Ct))
        {
            values.AddRange(entity.Select(property => property.Value).Select(value => value is byte[] bytes ? Convert.ToBase64String(bytes) : value?.ToString() ?? ""));
        }
        return values;
    }

    /// <summary>Whether a resumable upload still has its record (kept in the unit's partition under the upload's id).</summary>
    public async Task<bool> UploadRecordExistsAsync(string unit, string uploadId) =>
        (await Table(StorageNames.UploadsTable).GetEntityIfExistsAsync<TableEntity>(unit, uploadId, cancellationToken: Ct)).HasValue;

    private BlobContainerClient Container(string name) => new(connectionString, name);

    /// <summary>The names of the attachment blobs under a prefix (<c>{period}/{unit}/…</c>); staged ones too when asked.</summary>
    public Task<List<string>> AttachmentsAsync(string prefix, BlobStates states = BlobStates.None) => BlobsAsync(StorageNames.AttachmentsContainer, prefix, states);

    /// <summary>One attachment blob, to read its properties and bytes.</summary>
    public BlobClient Attachment(string blobName) => Container(StorageNames.AttachmentsContainer).GetBlobClient(blobName);

    public Task<List<string>> ExportsAsync(string prefix) => BlobsAsync(StorageNames.ExportsContainer, prefix, BlobStates.None);

    /// <summary>An export kept for a period, as the export page leaves one.</summary>
    public Task PutExportAsync(string name, BinaryData content) => Container(StorageNames.ExportsContainer).UploadBlobAsync(name, content, Ct);

    private async Task<List<string>> BlobsAsync(string container, string prefix, BlobStates states) =>
        await Container(container).GetBlobsAsync(BlobTraits.None, states, prefix, Ct).Select(b => b.Name).ToListAsync(Ct);

    /// <summary>The local mailbox's rows, one a mail.</summary>
    public async Task<int> MailboxRowsAsync() =>
        await Table(StorageNames.LocalMailTable).QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: Ct).CountAsync(Ct);

    /// <summary>The local mailbox's blobs: the bodies too big for a row.</summary>
    public Task<List<string>> MailboxBodiesAsync() => BlobsAsync(StorageNames.LocalMailContainer, "", BlobStates.None);

    /// <summary>The queue that announces outbox work to the dispatcher.</summary>
    public QueueClient OutboxQueue => new(connectionString, StorageNames.OutboxQueue);

    /// <summary>Where the dispatcher moves a message that kept failing.</summary>
    public QueueClient OutboxPoisonQueue => new(connectionString, StorageNames.OutboxPoisonQueue);

    /// <summary>
    /// The durable engine's record of an orchestration in a task hub (its <c>{hub}Instances</c> table): runtime status
    /// and custom status, or null before it exists.
    /// </summary>
    public async Task<(string RuntimeStatus, string? CustomStatus)?> OrchestrationAsync(string hub, string instanceId)
    {
        var row = await Table(hub + "Instances").GetEntityIfExistsAsync<TableEntity>(instanceId, "", cancellationToken: Ct);
        return row.HasValue ? (row.Value!.GetString("RuntimeStatus"), row.Value.GetString("CustomStatus")) : null;
    }

    private static StoredRow Row(TableEntity e) => new(e.PartitionKey, e.RowKey, e.ETag);
}
