using Baocao.Hosting;
using Baocao.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Baocao.Submissions;

/// <summary>
/// A unit's resumable uploads, as the tus endpoints and a submission use them: created with their record, read with
/// the offset the blob holds, appended to chunk by chunk (<see cref="ChunkWriter"/>), ended, attached to a report, and
/// deleted by the timer sweep once expired and never attached. docs/uploads.md tells how a PATCH is stored and why an
/// offset once answered never goes back.
/// </summary>
public sealed class ResumableUploads(
    UploadRecords records, UploadBlobs blobs, UploadProgress progress, ChunkWriter writer, IOptions<AttachmentLimits> limits)
    : IExpiringRecords
{
    public long MaxSize => limits.Value.MaxFileBytes;

    public string Partition => UploadRecords.Partition;

    public async Task<Outcome<Upload>> CreateAsync(string periodId, string unitCode, long length, string? fileName, CancellationToken cancellationToken)
    {
        var (name, type, refusal) = AttachmentStore.Classify(fileName);
        if (name is null || type is null) return TusProtocol.Refuse(refusal!);
        if (length <= 0) return TusProtocol.Refuse(new AttachmentRefusal(StatusCodes.Status400BadRequest, "empty-file", $"Tệp '{name}' rỗng."));
        if (length > MaxSize)
        {
            return TusProtocol.Refuse(new AttachmentRefusal(StatusCodes.Status413PayloadTooLarge, "file-too-large", $"Tệp '{name}' vượt quá {MaxSize / (1024 * 1024)} MiB."));
        }
        return await records.AddAsync(periodId, unitCode, length, name, type, cancellationToken);
    }

    /// <summary>The upload with its offset; 404 when unknown (or another unit's), 410 when expired.</summary>
    public async Task<Outcome<UploadState>> GetAsync(UploadRef named, CancellationToken cancellationToken)
    {
        var found = await records.FindAsync(named, fresh: true, cancellationToken);
        if (found.Problem is { } problem) return problem;
        await progress.CommitEndedAsync(named.Id);
        return new UploadState(found.Value!, (await blobs.SettledAsync(found.Value!, cancellationToken)).Offset);
    }

    /// <summary>Appends a PATCH body at <paramref name="offset"/>; the last byte finishes the upload with its SHA-256.</summary>
    public async Task<Outcome<UploadState>> AppendAsync(UploadRef named, long offset, Stream body, long length, CancellationToken cancellationToken)
    {
        var found = await records.FindAsync(named, fresh: false, cancellationToken);
        if (found.Problem is { } problem) return problem;
        return await writer.AppendAsync(found.Value!, offset, body, length, cancellationToken);
    }

    /// <summary>Ends an upload and deletes its bytes; one already attached to a report stays (409).</summary>
    public async Task<ProblemHttpResult?> TerminateAsync(UploadRef named, CancellationToken cancellationToken)
    {
        var row = await records.ReadAsync(named.UnitCode, named.Id, cancellationToken);
        if (row is null || row.PeriodId != named.PeriodId) return Problems.NotFound($"Không có phiên tải lên '{named.Id}'.");
        return await DeleteIfAsync(row, r => !r.Attached, cancellationToken) is null
            ? null
            : Problems.Conflict("upload-attached", "Tệp này đã được đính kèm vào báo cáo nên không xoá được.");
    }

    /// <summary>
    /// Finished uploads named by a submission, as attachments exactly like those sent in the multipart body. Each is
    /// marked attached before the version is written, so the expiry sweep never deletes a file a version names.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<StoredAttachment>>> AttachAsync(string periodId, string unitCode, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var finished = await FinishedAsync(periodId, unitCode, ids, cancellationToken);
        if (finished.Problem is { } problem) return problem;
        var ready = finished.Value!;
        var attached = new List<Upload>();
        // The last PATCH committed but the app stopped before recording the SHA-256: it is taken from the blob.
        foreach (var upload in ready) attached.Add(upload with { Sha256 = upload.Sha256 ?? await blobs.Sha256Async(upload, cancellationToken), Attached = true });
        if (!await records.MarkAttachedAsync(ready, attached, cancellationToken))
        {
            return Problems.Validation([new FieldError("/report/uploads", "unknown-upload", "Một phiên tải lên vừa hết hạn hoặc vừa thay đổi; hãy gửi lại.")]);
        }
        return attached.Select(a => a.AsAttachment()).ToList();
    }

    /// <summary>The uploads named, each once, known to this unit and period, and complete; or an error for each that is not.</summary>
    private async Task<Outcome<List<Upload>>> FinishedAsync(string periodId, string unitCode, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var ready = new List<Upload>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids.Take(i).Contains(ids[i]))
            {
                errors.Add($"/report/uploads/{i}", "duplicate-upload", $"Phiên tải lên '{ids[i]}' được nêu hai lần.");
                continue;
            }
            var found = await GetAsync(new UploadRef(periodId, unitCode, ids[i]), cancellationToken);
            if (found.Problem is not null)
            {
                errors.Add($"/report/uploads/{i}", "unknown-upload", $"Không có phiên tải lên '{ids[i]}' còn hiệu lực cho đơn vị và kỳ này.");
                continue;
            }
            var (upload, offset) = found.Value!;
            if (offset < upload.Length)
            {
                errors.Add($"/report/uploads/{i}", "upload-incomplete", $"Tệp '{upload.FileName}' mới tải lên {offset}/{upload.Length} byte.");
                continue;
            }
            ready.Add(upload);
        }
        return errors.Any ? errors.ToProblem() : ready;
    }

    /// <summary>The timer sweep's part: deletes the upload <c>{unit}|{id}</c> once expired, unless a report names it by then.</summary>
    public async Task<bool> ExpireAsync(string name, CancellationToken cancellationToken)
    {
        var (unitCode, id) = name.Split('|') is [var unit, var upload] ? (unit, upload) : throw new FormatException($"Not an upload entry: '{name}'.");
        var row = await records.ReadAsync(unitCode, id, cancellationToken);
        return row is not null && await DeleteIfAsync(row, records.PastGrace, cancellationToken) is null;
    }

    /// <summary>Deletes the upload if <paramref name="deletable"/> holds (see <see cref="UploadRecords.DeleteIfAsync"/>), and what this instance kept of it.</summary>
    private async Task<Upload?> DeleteIfAsync(Upload row, Func<Upload, bool> deletable, CancellationToken cancellationToken)
    {
        var kept = await records.DeleteIfAsync(row, deletable, cancellationToken);
        if (kept is null) progress.Forget(row.Id);
        return kept;
    }
}
