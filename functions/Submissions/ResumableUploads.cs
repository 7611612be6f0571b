using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Baocao.Hosting;
using Baocao.Storage;
using Baocao.Workflow;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Baocao.Submissions;

/// <summary>
/// A resumable upload of one file for one unit and period. Its bytes are blocks of one block blob, staged and then
/// committed, so the offset reached survives any restart; <see cref="Sha256"/> is set once the last byte has arrived.
/// </summary>
public sealed record Upload(
    string Id,
    string PeriodId,
    string UnitCode,
    long Length,
    string FileName,
    string ContentType,
    string BlobName,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string? Sha256,
    bool Attached)
{
    /// <summary>The record's ETag, when read from the table: an attach and a deletion each write on it, so only one wins.</summary>
    public ETag ETag { get; init; }

    public StoredAttachment AsAttachment() => new(BlobName, FileName, ContentType, Length, Sha256!);
}

/// <summary>An upload and the bytes it holds so far.</summary>
public sealed record UploadState(Upload Upload, long Offset);

/// <summary>
/// The storage side of the tus protocol. Each PATCH appends its bytes as staged blocks and then commits the block list
/// on the condition that the blob has not changed since the offset was read, so of two racing commits one fails.
/// The SHA-256 of the bytes so far is kept in memory between PATCHes and rebuilt from the blob after a restart.
/// Each upload has an entry in the timer index, due when it expires, so the timer sweep deletes what was never attached.
/// </summary>
/// <remarks>
/// A PATCH that goes on from this instance's own progress answers once its blocks are staged, and its commit runs
/// behind the answer, while the client sends the next chunk: staged blocks are as durable as committed ones, and each
/// block's id says where it starts, so whoever next reads the upload from the blob (after a restart, on another
/// instance, or a HEAD) first commits the staged blocks that carry on from the committed ones. An offset once answered
/// therefore never goes back, and HEAD still reports committed bytes. A PATCH that started from the blob (the first of
/// an upload, or after a restart) commits before it answers, so two clients racing from there get one 204 and one 409.
/// A second client sending the same offset as the one whose chunks this instance follows is answered before its commit
/// fails, and the next PATCH goes by the blob. Either way the SHA-256 is that of the committed bytes.
/// </remarks>
public sealed partial class ResumableUploads(
    TableServiceClient tables, BlobServiceClient blobs, TimerIndex index, TimeProvider clock, IOptions<AttachmentLimits> limits, IOptions<UploadOptions> options,
    IOptions<StorageOptions> storage, ILogger<ResumableUploads> logger)
    : IExpiringRecords
{
    private readonly TableClient _table = tables.GetTableClient(StorageNames.UploadsTable);
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.AttachmentsContainer);
    private readonly ConcurrentDictionary<string, Progress> _progress = new();
    private readonly ConcurrentDictionary<string, Upload> _rows = new();

    /// <summary>
    /// Where an upload stood after this instance's last PATCH to it: the offset, the commit of the blocks up to it (still
    /// under way, or done, with the blob's ETag it left), their ids, and the SHA-256 state over those bytes. Taken out by
    /// the PATCH that uses it, so only one PATCH holds it. <see cref="Kept"/> when a PATCH here committed up to it (the
    /// blob exists, and the client follows this instance): the PATCH going on from it may answer before its commit.
    /// </summary>
    private sealed record Progress(long Offset, Task<ETag> Commit, IReadOnlyList<string> Blocks, IncrementalHash Hash, bool Kept = false)
    {
        /// <summary>The commit's end, whether it succeeded or failed.</summary>
        public ConfiguredTaskAwaitable CommitEnded => ((Task)Commit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public long MaxSize => limits.Value.MaxFileBytes;

    /// <summary>The timer-index partition of the uploads' expiry entries, named by <c>{unit}|{upload id}</c>.</summary>
    public string Partition => StorageNames.UploadsTable;

    /// <summary>
    /// How long past its expiry an upload's bytes are kept: an expired upload takes no new PATCH, but one that began
    /// just before expiry may still be committing (a request lasts at most the function timeout, 10 minutes).
    /// </summary>
    public static readonly TimeSpan DeletionGrace = TimeSpan.FromMinutes(30);

    public async Task<Outcome<Upload>> CreateAsync(string periodId, string unitCode, long length, string? fileName, CancellationToken cancellationToken)
    {
        var (name, type, refusal) = AttachmentStore.Classify(fileName);
        if (name is null || type is null) return Refuse(refusal!);
        if (length <= 0) return Refuse(new AttachmentRefusal(StatusCodes.Status400BadRequest, "empty-file", $"Tệp '{name}' rỗng."));
        if (length > MaxSize)
        {
            return Refuse(new AttachmentRefusal(StatusCodes.Status413PayloadTooLarge, "file-too-large", $"Tệp '{name}' vượt quá {MaxSize / (1024 * 1024)} MiB."));
        }
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = clock.GetUtcNow();
        var upload = new Upload(id, periodId, unitCode, length, name, type.ContentType, $"{periodId}/{unitCode}/u{id}{type.Extensions[0]}",
            now, now + options.Value.UploadLifetime, Sha256: null, Attached: false);
        // Written ahead of the record, as every index entry is: an entry whose record never came finds nothing to delete.
        await index.PutAsync(new DueEntry(Partition, $"{unitCode}|{id}", DueKind.Expiry, upload.ExpiresAt + DeletionGrace), cancellationToken);
        await _table.AddEntityAsync(Entity(upload), cancellationToken);
        _rows[id] = upload;
        return upload;
    }

    /// <summary>The upload with its offset; 404 when unknown (or another unit's), 410 when expired.</summary>
    public async Task<Outcome<UploadState>> GetAsync(string periodId, string unitCode, string id, CancellationToken cancellationToken)
    {
        var found = await FindAsync(periodId, unitCode, id, fresh: true, cancellationToken);
        if (found.Problem is { } problem) return problem;
        // A commit this instance runs behind an answer is let finish, rather than raced by committing the same blocks.
        if (_progress.TryGetValue(id, out var kept)) await kept.CommitEnded;
        return new UploadState(found.Value!, (await SettledAsync(found.Value!, cancellationToken)).Offset);
    }

    /// <summary>
    /// The upload's record, checked: 404 when unknown (or another unit's), 410 when expired. A PATCH may use the copy
    /// kept since the upload was created here: what a PATCH needs of it (name, type, length, expiry) never changes.
    /// </summary>
    private async Task<Outcome<Upload>> FindAsync(string periodId, string unitCode, string id, bool fresh, CancellationToken cancellationToken)
    {
        var row = !fresh && _rows.TryGetValue(id, out var kept) && kept.UnitCode == unitCode ? kept : await ReadAsync(unitCode, id, cancellationToken);
        if (row is null || row.PeriodId != periodId) return Problems.NotFound($"Không có phiên tải lên '{id}'.");
        _rows[id] = row;
        if (Expired(row))
        {
            return Problems.Create(StatusCodes.Status410Gone, "upload-expired", "Phiên tải lên đã hết hạn", "Phiên tải lên này đã hết hạn; hãy tải tệp lên lại từ đầu.");
        }
        return row;
    }

    /// <summary>
    /// Appends a PATCH body of <paramref name="length"/> bytes at <paramref name="offset"/>. The whole blocks received
    /// before the client broke off are kept, as tus asks, so the client resumes from there; the last byte finishes the
    /// upload with its SHA-256.
    /// </summary>
    public async Task<Outcome<UploadState>> AppendAsync(string periodId, string unitCode, string id, long offset, Stream body, long length, CancellationToken cancellationToken)
    {
        var found = await FindAsync(periodId, unitCode, id, fresh: false, cancellationToken);
        if (found.Problem is { } problem) return problem;
        var upload = found.Value!;
        if (offset + length > upload.Length)
        {
            return Refuse(new AttachmentRefusal(StatusCodes.Status413PayloadTooLarge, "beyond-upload-length", $"Dữ liệu gửi vượt quá Upload-Length ({upload.Length} byte)."));
        }
        var (start, committed) = await ProgressAtAsync(upload, offset, cancellationToken);
        if (start is null)
        {
            return offset == committed
                ? new UploadState(upload, committed)
                : OffsetMismatch($"Upload-Offset {offset} không khớp với số byte đã nhận ({committed}); hãy hỏi lại bằng HEAD rồi gửi tiếp.");
        }
        return await StageAsync(upload, start, committed, body, length, cancellationToken);
    }

    /// <summary>
    /// Streams a PATCH body from <paramref name="start"/> into blocks and commits them on the blob's ETag, behind the
    /// answer when <paramref name="start"/> was kept here (see the remarks on the class) and more bytes are to come. The
    /// progress reached is kept for the next PATCH; every other way out disposes its hash state.
    /// </summary>
    private async Task<Outcome<UploadState>> StageAsync(Upload upload, Progress start, long committed, Stream body, long length, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlockBlobClient(upload.BlobName);
        var streamer = new BlockStreamer(blob, committed, start.Hash, storage.Value.NetworkTimeout);
        var kept = false;
        try
        {
            if (length == 0)
            {
                // An empty PATCH, which tus allows, moves nothing.
                kept = Keep(upload.Id, start);
                return new UploadState(upload, committed);
            }
            var head = ReadOnlyMemory<byte>.Empty;
            if (committed == 0)
            {
                // The file's first bytes say what it is: checked before any of it is staged.
                var first = new byte[(int)Math.Min(AttachmentRules.SignatureLength, length)];
                await body.ReadExactlyAsync(first, cancellationToken);
                if (AttachmentStore.Check(AttachmentRules.ByExtension(upload.FileName)!, upload.FileName, first, 0, upload.Length) is { } refusal)
                {
                    kept = Keep(upload.Id, start);
                    return Refuse(refusal);
                }
                head = first;
            }
            try
            {
                await streamer.StageAsync(head, body, length, start.Commit, cancellationToken);
            }
            catch (Exception error) when (error is OperationCanceledException || StorageOutage.Is(error, cancellationToken))
            {
                // The client broke off, or storage failed a block: the whole blocks before it are committed below, and
                // the client resumes after them. With none, the upload stands where it stood, and so does what this
                // instance knows of it (the hash fell back with the block), so the next PATCH need not read it back.
                if (streamer.Bytes == 0)
                {
                    kept = Keep(upload.Id, start with { Hash = streamer.Hash });
                    throw;
                }
            }
            List<string> blocks = [.. start.Blocks, .. streamer.Blocks];
            var reached = committed + streamer.Bytes;
            // Whether the hash state describes the blob's bytes. The commit before this PATCH's has ended by now (its first
            // block waited for it); had it failed, a try of it might still reach storage and discard these blocks, so
            // the settle below, whose commit moves the ETag on past any such try, decides whether they are in.
            var hashed = start.Commit.IsCompletedSuccessfully;
            if (hashed)
            {
                var commit = CommitAsync(blob, upload, blocks, start.Commit.Result, CancellationToken.None);
                if (reached < upload.Length && start.Kept)
                {
                    _ = commit.ContinueWith(failed => LogCommitFailed(logger, upload.Id, reached, failed.Exception!.InnerException!),
                        CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
                else
                {
                    try
                    {
                        await commit;
                    }
                    catch (RequestFailedException error) when (LostRace(error))
                    {
                        hashed = false;
                    }
                }
                if (hashed && reached < upload.Length)
                {
                    kept = Keep(upload.Id, new Progress(reached, commit, blocks, streamer.Hash, Kept: true));
                    return new UploadState(upload, reached);
                }
            }
            // Another request committed first: these blocks count only if it took them as the ones carrying on from its own.
            if (!hashed && !(await SettledAsync(upload, cancellationToken)).Blocks.TakeLast(streamer.Blocks.Count).SequenceEqual(streamer.Blocks))
            {
                return OffsetMismatch("Một yêu cầu khác vừa ghi vào phiên tải lên này; hãy hỏi lại bằng HEAD rồi gửi tiếp.");
            }
            if (reached < upload.Length) return new UploadState(upload, reached);
            upload = upload with
            {
                Sha256 = hashed ? Convert.ToHexStringLower(streamer.Hash.GetHashAndReset()) : await Sha256Async(upload, CancellationToken.None),
            };
            try
            {
                // The hash alone: the upload may be attached already, had another request settled these blocks and a report named it.
                await _table.UpdateEntityAsync(new TableEntity(upload.UnitCode, upload.Id) { ["Sha256"] = upload.Sha256 }, ETag.All, TableUpdateMode.Merge,
                    CancellationToken.None);
            }
            catch (RequestFailedException error) when (error.Status == StatusCodes.Status404NotFound)
            {
                // Ended (DELETE) while this PATCH ran: the bytes it just committed belong to nothing.
                await _container.DeleteBlobIfExistsAsync(upload.BlobName, cancellationToken: CancellationToken.None);
                _rows.TryRemove(upload.Id, out _);
                return Problems.Create(StatusCodes.Status410Gone, "upload-ended", "Phiên tải lên đã kết thúc", "Phiên tải lên này vừa bị huỷ; hãy tải tệp lên lại từ đầu.");
            }
            _rows[upload.Id] = upload;
            return new UploadState(upload, reached);
        }
        finally
        {
            if (!kept) streamer.Hash.Dispose();
        }
    }

    /// <summary>
    /// Makes <paramref name="blocks"/> the blob, on the condition that it is still as it was at <paramref name="tag"/>
    /// (none: that it does not exist yet); the blob's new ETag.
    /// </summary>
    private static async Task<ETag> CommitAsync(BlockBlobClient blob, Upload upload, List<string> blocks, ETag tag, CancellationToken cancellationToken) =>
        (await blob.CommitBlockListAsync(blocks, new CommitBlockListOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = upload.ContentType },
            Metadata = new Dictionary<string, string> { ["filename"] = Uri.EscapeDataString(upload.FileName) },
            Conditions = tag == default ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = tag },
        }, cancellationToken)).Value.ETag;

    [LoggerMessage(LogLevel.Warning, "Upload {UploadId}: committing its blocks up to {Offset} behind the answer failed; the next request commits them from the blob")]
    private static partial void LogCommitFailed(ILogger logger, string uploadId, long offset, Exception error);

    /// <summary>Keeps a PATCH's progress for the next one; false (the caller disposes it) when another PATCH kept its own meanwhile.</summary>
    private bool Keep(string id, Progress progress)
    {
        if (_progress.TryAdd(id, progress)) return true;
        if (_progress.TryRemove(id, out var other)) other.Hash.Dispose();
        return false;
    }

    /// <summary>Ends an upload and deletes its bytes; one already attached to a report stays (409).</summary>
    public async Task<ProblemHttpResult?> TerminateAsync(string periodId, string unitCode, string id, CancellationToken cancellationToken)
    {
        var row = await ReadAsync(unitCode, id, cancellationToken);
        if (row is null || row.PeriodId != periodId) return Problems.NotFound($"Không có phiên tải lên '{id}'.");
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
        var errors = new ValidationErrors();
        var ready = new List<Upload>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids.Take(i).Contains(ids[i]))
            {
                errors.Add($"/report/uploads/{i}", "duplicate-upload", $"Phiên tải lên '{ids[i]}' được nêu hai lần.");
                continue;
            }
            var found = await GetAsync(periodId, unitCode, ids[i], cancellationToken);
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
        if (errors.Any) return errors.ToProblem();
        var attached = new List<Upload>();
        // The last PATCH committed but the app stopped before recording the SHA-256: it is taken from the blob.
        foreach (var upload in ready) attached.Add(upload with { Sha256 = upload.Sha256 ?? await Sha256Async(upload, cancellationToken), Attached = true });
        var marks = ready.Zip(attached).Where(p => !p.First.Attached)
            .Select(p => new TableTransactionAction(TableTransactionActionType.UpdateReplace, Entity(p.Second), p.First.ETag)).ToList();
        try
        {
            // All or none, on the ETags read above (an upload deleted meanwhile, as it expired that very moment, is not
            // named by a version), and before the version is written, so the expiry sweep never deletes a file a version names.
            if (marks.Count > 0) await _table.SubmitTransactionAsync(marks, cancellationToken);
        }
        catch (TableTransactionFailedException error) when (error.Status is StatusCodes.Status404NotFound or StatusCodes.Status412PreconditionFailed)
        {
            return Problems.Validation([new FieldError("/report/uploads", "unknown-upload", "Một phiên tải lên vừa hết hạn hoặc vừa thay đổi; hãy gửi lại.")]);
        }
        foreach (var upload in ready) _rows.TryRemove(upload.Id, out _);
        return attached.Select(a => a.AsAttachment()).ToList();
    }

    /// <summary>The timer sweep's part: deletes the upload <c>{unit}|{id}</c> once expired, unless a report names it by then.</summary>
    public async Task<bool> ExpireAsync(string name, CancellationToken cancellationToken)
    {
        var (unitCode, id) = name.Split('|') is [var unit, var upload] ? (unit, upload) : throw new FormatException($"Not an upload entry: '{name}'.");
        var row = await ReadAsync(unitCode, id, cancellationToken);
        return row is not null && await DeleteIfAsync(row, r => Expired(r) && r.ExpiresAt + DeletionGrace <= clock.GetUtcNow(), cancellationToken) is null;
    }

    private bool Expired(Upload upload) => !upload.Attached && upload.ExpiresAt <= clock.GetUtcNow();

    /// <summary>
    /// Deletes an upload if <paramref name="deletable"/> holds, bytes first; returns null once it is gone, or the
    /// record that is kept. The record is claimed by a write on its ETag before anything goes, so an attach that read it
    /// earlier fails rather than naming deleted bytes; when it changed meanwhile it is read and judged again. Every step
    /// is safe to repeat after a crash.
    /// </summary>
    private async Task<Upload?> DeleteIfAsync(Upload row, Func<Upload, bool> deletable, CancellationToken cancellationToken)
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
            await _container.DeleteBlobIfExistsAsync(seen.BlobName, cancellationToken: cancellationToken);
            await _table.DeleteEntityAsync(seen.UnitCode, seen.Id, ETag.All, cancellationToken);
            break;
        }
        if (_progress.TryRemove(row.Id, out var kept)) kept.Hash.Dispose();
        _rows.TryRemove(row.Id, out _);
        return null;
    }

    /// <summary>
    /// The bytes the upload holds, committed: the blob's committed blocks, then the staged blocks that carry on from them
    /// in order (answered before a commit that never came, as the app stopped or storage failed it), committed now. With
    /// the blob's ETag that guards the next commit, and the block ids it extends; one request when nothing waits.
    /// </summary>
    private async Task<(long Offset, ETag Tag, List<string> Blocks)> SettledAsync(Upload upload, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlockBlobClient(upload.BlobName);
        // Each round that fails its condition finds the blob moved on by another request's commit, so the rounds end.
        while (true)
        {
            Response<BlockList> list;
            try
            {
                list = await blob.GetBlockListAsync(BlockListTypes.All, cancellationToken: cancellationToken);
            }
            catch (RequestFailedException error) when (error.Status == StatusCodes.Status404NotFound)
            {
                return (0, default, []);
            }
            var tag = list.GetRawResponse().Headers.ETag ?? default;
            var blocks = list.Value.CommittedBlocks.Select(b => b.Name).ToList();
            var committed = list.Value.CommittedBlocks.Sum(b => b.SizeLong);
            var staged = list.Value.UncommittedBlocks.GroupBy(b => BlockIds.OffsetOf(b.Name)).ToDictionary(g => g.Key, g => g.MaxBy(b => b.SizeLong));
            var settled = committed;
            while (staged.TryGetValue(settled, out var next) && settled + next.SizeLong <= upload.Length)
            {
                blocks.Add(next.Name);
                settled += next.SizeLong;
            }
            if (settled == committed) return (committed, tag, blocks);
            try
            {
                return (settled, await CommitAsync(blob, upload, blocks, tag, cancellationToken), blocks);
            }
            catch (RequestFailedException error) when (LostRace(error))
            {
            }
        }
    }

    /// <summary>
    /// A commit that another request's commit came before: the blob's ETag moved on (or it exists already), or a staged
    /// block the list names was discarded by that commit.
    /// </summary>
    private static bool LostRace(RequestFailedException error) =>
        error.Status is StatusCodes.Status409Conflict or StatusCodes.Status412PreconditionFailed || error.ErrorCode == BlobErrorCode.InvalidBlockList;

    /// <summary>
    /// Where a PATCH at <paramref name="offset"/> goes on from; null, with the offset the upload stands at, when that is
    /// another offset or the upload is complete. The progress this instance kept from its last PATCH saves reading the
    /// block list and the bytes back: should another instance have written since, the commit's ETag condition fails and
    /// the next PATCH reads the blob. Progress whose commit failed is dropped, and any other offset is checked against
    /// the blob, which another instance may have moved on.
    /// </summary>
    private async Task<(Progress? From, long Committed)> ProgressAtAsync(Upload upload, long offset, CancellationToken cancellationToken)
    {
        if (_progress.TryRemove(upload.Id, out var kept))
        {
            if (kept.Offset == offset && !kept.Commit.IsFaulted) return (kept, offset);
            await kept.CommitEnded;
            kept.Hash.Dispose();
        }
        var (committed, tag, blocks) = await SettledAsync(upload, cancellationToken);
        return committed != offset || committed == upload.Length
            ? (null, committed)
            : (new Progress(committed, Task.FromResult(tag), blocks, await HashOfBlobAsync(upload, committed, cancellationToken)), committed);
    }

    /// <summary>The SHA-256 state over the first <paramref name="offset"/> bytes, read back from the blob.</summary>
    private async Task<IncrementalHash> HashOfBlobAsync(Upload upload, long offset, CancellationToken cancellationToken)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (offset == 0) return hash;
        var download = await _container.GetBlobClient(upload.BlobName).DownloadStreamingAsync(
            new BlobDownloadOptions { Range = new HttpRange(0, offset) }, cancellationToken);
        await using var content = download.Value.Content;
        var buffer = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0) hash.AppendData(buffer, 0, read);
        return hash;
    }

    private async Task<string> Sha256Async(Upload upload, CancellationToken cancellationToken)
    {
        using var hash = await HashOfBlobAsync(upload, upload.Length, cancellationToken);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private async Task<Upload?> ReadAsync(string unitCode, string id, CancellationToken cancellationToken)
    {
        if (id.Length != 32 || !id.All(char.IsAsciiHexDigitLower)) return null;
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(unitCode, id, cancellationToken: cancellationToken);
        return found.HasValue ? Read(found.Value!) : null;
    }

    private static ProblemHttpResult OffsetMismatch(string detail) =>
        Problems.Create(StatusCodes.Status409Conflict, "offset-mismatch", "Sai vị trí tải lên", detail);

    private static ProblemHttpResult Refuse(AttachmentRefusal refusal) =>
        Problems.Create(refusal.Status, refusal.Code, refusal.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => "Quá lớn",
            StatusCodes.Status415UnsupportedMediaType => "Định dạng không được hỗ trợ",
            _ => "Tệp không hợp lệ",
        }, refusal.Detail);

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
