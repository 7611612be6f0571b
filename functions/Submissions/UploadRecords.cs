using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Baocao.Hosting;
using Baocao.Storage;
using Baocao.Workflow;
using Microsoft.Extensions.Options;

namespace Baocao.Submissions;

/// <summary>
/// The uploads' records in Table Storage (the unit's partition, the upload's id), each with an entry in the timer index
/// due when it expires, so the timer sweep deletes what was never attached without scanning the uploads.
/// </summary>
public sealed class UploadRecords(TableServiceClient tables, TimerIndex index, UploadBlobs blobs, TimeProvider clock, IOptions<UploadOptions> options)
{
    /// <summary>The timer-index partition of the uploads' expiry entries, named by <c>{unit}|{upload id}</c>.</summary>
    public const string Partition = StorageNames.UploadsTable;

    /// <summary>
    /// How long past its expiry an upload's bytes are kept: an expired upload takes no new PATCH, but one that began
    /// just before expiry may still be committing (a request lasts at most the function timeout, 10 minutes).
    /// </summary>
    public static readonly TimeSpan DeletionGrace = TimeSpan.FromMinutes(30);

    private readonly TableClient _table = tables.GetTableClient(StorageNames.UploadsTable);

    /// <summary>Records as this instance last wrote or read them: what a PATCH needs of one (name, type, length, expiry) never changes.</summary>
    private readonly ConcurrentDictionary<string, Upload> _rows = new();

    /// <summary>A new upload of <paramref name="length"/> bytes, due to expire after <see cref="UploadOptions.UploadLifetime"/>.</summary>
    public async Task<Upload> AddAsync(string periodId, string unitCode, long length, string name, AttachmentType type, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = clock.GetUtcNow();
        var upload = new Upload(id, periodId, unitCode, length, name, type.ContentType, $"{periodId}/{unitCode}/u{id}{type.Extensions[0]}",
            now, now + options.Value.UploadLifetime, Sha256: null, Attached: false);
        // Written ahead of the record, as every index entry is: an entry whose record never came finds nothing to delete.
        await index.PutAsync(new DueEntry(Partition, $"{upload.UnitCode}|{upload.Id}", DueKind.Expiry, upload.ExpiresAt + DeletionGrace), cancellationToken);
        await _table.AddEntityAsync(Entity(upload), cancellationToken);
        _rows[upload.Id] = upload;
        return upload;
    }

    /// <summary>
    /// The upload's record, checked: 404 when unknown (or another unit's), 410 when expired. Unless
    /// <paramref name="fresh"/>, the copy kept here may serve.
    /// </summary>
    public async Task<Outcome<Upload>> FindAsync(UploadRef named, bool fresh, CancellationToken cancellationToken)
    {
        var (periodId, unitCode, id) = named;
        var row = !fresh && _rows.TryGetValue(id, out var kept) && kept.UnitCode == unitCode ? kept : await ReadAsync(unitCode, id, cancellationToken);
        if (row is null || row.PeriodId != periodId) return Problems.NotFound($"Không có phiên tải lên '{id}'.");
        _rows[id] = row;
        if (Expired(row))
        {
            return Problems.Create(StatusCodes.Status410Gone, "upload-expired", "Phiên tải lên đã hết hạn", "Phiên tải lên này đã hết hạn; hãy tải tệp lên lại từ đầu.");
        }
        return row;
    }

    public async Task<Upload?> ReadAsync(string unitCode, string id, CancellationToken cancellationToken)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower)) return null;
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(unitCode, id, cancellationToken: cancellationToken);
        return found.HasValue ? Read(found.Value!) : null;
    }

    public bool Expired(Upload upload) => !upload.Attached && upload.ExpiresAt <= clock.GetUtcNow();

    /// <summary>An expired upload whose bytes are past their grace, so no PATCH can still be committing them.</summary>
    public bool PastGrace(Upload upload) => Expired(upload) && upload.ExpiresAt + DeletionGrace <= clock.GetUtcNow();

    /// <summary>Records the finished upload's SHA-256; false when the record is gone (ended while the last PATCH ran).</summary>
    public async Task<bool> RecordSha256Async(Upload upload)
    {
        try
        {
            // The hash alone: the upload may be attached already, had another request settled these blocks and a report named it.
            await _table.UpdateEntityAsync(new TableEntity(upload.UnitCode, upload.Id) { ["Sha256"] = upload.Sha256 }, ETag.All, TableUpdateMode.Merge,
                CancellationToken.None);
        }
        catch (RequestFailedException error) when (error.Status == StatusCodes.Status404NotFound)
        {
            _rows.TryRemove(upload.Id, out _);
            return false;
        }
        _rows[upload.Id] = upload;
        return true;
    }

    /// <summary>
    /// Writes each upload as attached, all or none, on the ETag it was read with; false when one changed or went
    /// meanwhile (deleted as it expired that very moment), so no version names deleted bytes.
    /// </summary>
    public async Task<bool> MarkAttachedAsync(IReadOnlyList<Upload> read, IReadOnlyList<Upload> attached, CancellationToken cancellationToken)
    {
        var marks = read.Zip(attached).Where(p => !p.First.Attached)
            .Select(p => new TableTransactionAction(TableTransactionActionType.UpdateReplace, Entity(p.Second), p.First.ETag)).ToList();
        try
        {
            if (marks.Count > 0) await _table.SubmitTransactionAsync(marks, cancellationToken);
        }
        catch (TableTransactionFailedException error) when (error.Status is StatusCodes.Status404NotFound or StatusCodes.Status412PreconditionFailed)
        {
            return false;
        }
        foreach (var upload in read) _rows.TryRemove(upload.Id, out _);
        return true;
    }

    /// <summary>
    /// Deletes an upload if <paramref name="deletable"/> holds, bytes first; returns null once it is gone, or the
    /// record that is kept. The record is claimed by a write on its ETag before anything goes, so an attach that read it
    /// earlier fails rather than naming deleted bytes; when it changed meanwhile it is read and judged again. Every step
    /// is safe to repeat after a crash.
    /// </summary>
    public async Task<Upload?> DeleteIfAsync(Upload row, Func<Upload, bool> deletable, CancellationToken cancellationToken)
    {
        for (Upload? seen = row; seen is not null; seen = await ReadAsync(row.UnitCode, row.Id, cancellationToken))
        {
            if (!deletable(seen)) return seen;
            try
            {
                await _table.UpdateEntityAsync(new TableEntity(seen.UnitCode, seen.Id), seen.ETag, TableUpdateMode.Merge, cancellationToken);
            }
            catch (RequestFailedException error) when (error.Status is StatusCodes.Status404NotFound or StatusCodes.Status412PreconditionFailed)
            {
                continue;
            }
            await blobs.DeleteAsync(seen, cancellationToken);
            await _table.DeleteEntityAsync(seen.UnitCode, seen.Id, ETag.All, cancellationToken);
            break;
        }
        _rows.TryRemove(row.Id, out _);
        return null;
    }

    private static TableEntity Entity(Upload u) => new(u.UnitCode, u.Id)
    {
        ["PeriodId"] = u.PeriodId,
        ["Length"] = u.Length,
        ["FileName"] = u.FileName,
        ["ContentType"] = u.ContentType,
        ["BlobName"] = u.BlobName,
        ["CreatedAt"] = u.CreatedAt,
        ["ExpiresAt"] = u.ExpiresAt,
        ["Sha256"] = u.Sha256,
        ["Attached"] = u.Attached,
    };

    private static Upload Read(TableEntity t) => new(
        t.RowKey, t.GetString("PeriodId"), t.PartitionKey, t.GetInt64("Length")!.Value, t.GetString("FileName"), t.GetString("ContentType"),
        t.GetString("BlobName"), t.GetDateTimeOffset("CreatedAt")!.Value, t.GetDateTimeOffset("ExpiresAt")!.Value, t.GetString("Sha256"),
        t.GetBoolean("Attached")!.Value) { ETag = t.ETag };
}
