using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Baocao.Storage;

namespace Baocao.Workflow;

/// <summary>What a timer-index entry asks the sweep to do when it comes due.</summary>
public enum DueKind
{
    /// <summary>Re-announce the partition's outbox if rows are still waiting (a crash between commit and enqueue).</summary>
    Outbox,

    /// <summary>Notices wait in a digest partition (reminders): the sweep's finishers gather them, then the entry goes.</summary>
    Digest,

    /// <summary>A record that lives only for a while (a resumable upload) is due to go: the feature owning the partition deletes it.</summary>
    Expiry,
}

/// <summary>One entry of the timer index: something in <see cref="Partition"/> to look at from <see cref="Due"/> on.</summary>
public sealed record DueEntry(string Partition, string Name, DueKind Kind, DateTimeOffset Due, int Attempt = 0)
{
    /// <summary>The index row's ETag, when read back from the table.</summary>
    public ETag ETag { get; init; }
}

/// <summary>
/// The <c>timers</c> table: every entry sits in the partition of its UTC minute (<c>yyyyMMddHHmm</c>), so the sweep
/// finds what is due with one range query over partition keys up to the present minute: O(due), never a scan of
/// instances. Entries are written ahead of the transaction they belong to and deleted once handled; an entry whose
/// transaction never committed is checked against the instance and dropped, so a dangling entry is harmless.
/// </summary>
public sealed class TimerIndex(TableServiceClient service)
{
    private readonly TableClient _table = service.Table(StorageNames.TimerIndexTable);

    public static string Bucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    /// <summary>Adds or replaces an entry; written before the batch it announces.</summary>
    public async Task PutAsync(DueEntry entry, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(new TableEntity(Bucket(entry.Due), Key(entry))
        {
            ["Partition"] = entry.Partition,
            ["Name"] = entry.Name,
            ["Kind"] = entry.Kind.ToString(),
            ["Due"] = entry.Due,
            ["Attempt"] = entry.Attempt,
        }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Entries due at or before <paramref name="now"/>, oldest bucket first.</summary>
    public async Task<IReadOnlyList<DueEntry>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entries = new List<DueEntry>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {Bucket(now)}");
        await foreach (var t in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var entry = new DueEntry(t.GetString("Partition"), t.GetString("Name"), Enum.Parse<DueKind>(t.GetString("Kind")),
                t.GetDateTimeOffset("Due")!.Value, t.GetInt32("Attempt") ?? 0) { ETag = t.ETag };
            if (entry.Due <= now) entries.Add(entry);
        }
        return entries;
    }

    /// <summary>Deletes a handled entry; another sweeper having deleted it first is fine.</summary>
    public async Task DeleteAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(Bucket(entry.Due), Key(entry), ETag.All, cancellationToken);
        }
        catch (RequestFailedException error) when (error.Status == StatusCodes.Status404NotFound)
        {
        }
    }

    private static string Key(DueEntry entry) => $"{entry.Partition}|{entry.Kind}|{entry.Name}";
}
