using Azure;
using Baocao.Hosting;
using Baocao.Storage;

namespace Baocao.Submissions;

/// <summary>
/// Writes one PATCH body into an upload: streams it into blocks, commits them on the blob's ETag, keeps the progress
/// reached for the next PATCH, and records the SHA-256 with the last byte. A PATCH that goes on from this instance's
/// own progress answers once its blocks are staged and leaves its commit to <see cref="BackgroundCommits"/>; one that
/// started from the blob commits before it answers (docs/uploads.md says why both are safe).
/// </summary>
public sealed class ChunkWriter(UploadRecords records, UploadBlobs blobs, UploadProgress progress, BackgroundCommits commits)
{
    /// <summary>One PATCH under way, and whether its hash state went to <see cref="UploadProgress"/> (else it is disposed).</summary>
    private sealed record Chunk(Upload Upload, Progress Start, long Committed, BlockStreamer Streamer)
    {
        public bool Kept { get; set; }
    }

    /// <summary>
    /// Appends a body of <paramref name="length"/> bytes at <paramref name="offset"/>. The whole blocks received before
    /// the client broke off are kept, as tus asks, so the client resumes from there.
    /// </summary>
    public async Task<Outcome<UploadState>> AppendAsync(Upload upload, long offset, Stream body, long length, CancellationToken cancellationToken)
    {
        if (offset + length > upload.Length)
        {
            return TusProtocol.Refuse(new AttachmentRefusal(StatusCodes.Status413PayloadTooLarge, "beyond-upload-length", $"Dữ liệu gửi vượt quá Upload-Length ({upload.Length} byte)."));
        }
        var (start, committed) = await progress.StartAsync(upload, offset, cancellationToken);
        if (start is null)
        {
            return offset == committed
                ? new UploadState(upload, committed)
                : TusProtocol.OffsetMismatch($"Upload-Offset {offset} không khớp với số byte đã nhận ({committed}); hãy hỏi lại bằng HEAD rồi gửi tiếp.");
        }
        var chunk = new Chunk(upload, start, committed, blobs.Streamer(upload, committed, start.Hash));
        try
        {
            return await WriteAsync(chunk, body, length, cancellationToken);
        }
        finally
        {
            if (!chunk.Kept) chunk.Streamer.Hash.Dispose();
        }
    }

    private async Task<Outcome<UploadState>> WriteAsync(Chunk chunk, Stream body, long length, CancellationToken cancellationToken)
    {
        var upload = chunk.Upload;
        if (length == 0)
        {
            // An empty PATCH, which tus allows, moves nothing.
            Keep(chunk, chunk.Start);
            return new UploadState(upload, chunk.Committed);
        }
        var head = ReadOnlyMemory<byte>.Empty;
        if (chunk.Committed == 0)
        {
            // The file's first bytes say what it is: checked before any of it is staged.
            var first = new byte[(int)Math.Min(AttachmentRules.SignatureLength, length)];
            await body.ReadExactlyAsync(first, cancellationToken);
            if (AttachmentStore.Check(AttachmentRules.ByExtension(upload.FileName)!, upload.FileName, first, 0, upload.Length) is { } refusal)
            {
                Keep(chunk, chunk.Start);
                return TusProtocol.Refuse(refusal);
            }
            head = first;
        }
        await StageAsync(chunk, head, body, length, cancellationToken);
        return await CommitAsync(chunk, cancellationToken);
    }

    private async Task StageAsync(Chunk chunk, ReadOnlyMemory<byte> head, Stream body, long length, CancellationToken cancellationToken)
    {
        var streamer = chunk.Streamer;
        try
        {
            await streamer.StageAsync(head, body, length, chunk.Start.Commit, cancellationToken);
        }
        catch (Exception error) when (error is OperationCanceledException || StorageOutage.Is(error, cancellationToken))
        {
            // The client broke off, or storage failed a block: the whole blocks before it are committed next, and the
            // client resumes after them. With none, the upload stands where it stood, and so does what this instance
            // knows of it (the hash fell back with the block), so the next PATCH need not read it back.
            if (streamer.Bytes == 0)
            {
                Keep(chunk, chunk.Start with { Hash = streamer.Hash });
                throw;
            }
        }
    }

    /// <summary>Commits the blocks staged, behind the answer when this instance follows the client and more is to come.</summary>
    private async Task<Outcome<UploadState>> CommitAsync(Chunk chunk, CancellationToken cancellationToken)
    {
        var (upload, start, streamer) = (chunk.Upload, chunk.Start, chunk.Streamer);
        List<string> blocks = [.. start.Blocks, .. streamer.Blocks];
        var reached = chunk.Committed + streamer.Bytes;
        // Whether the hash state describes the blob's bytes. The commit before this PATCH's has ended by now (its first
        // block waited for it); had it failed, a try of it might still reach storage and discard these blocks, so the
        // settle below, whose commit moves the ETag on past any such try, decides whether they are in.
        var hashed = start.Commit.IsCompletedSuccessfully;
        if (hashed)
        {
            var commit = blobs.CommitAsync(upload, blocks, start.Commit.Result, CancellationToken.None);
            var behind = reached < upload.Length && start.Kept && commits.TryOwn(upload.Id, reached, commit);
            if (!behind) hashed = await WonAsync(commit);
            if (hashed && reached < upload.Length)
            {
                Keep(chunk, new Progress(reached, commit, blocks, streamer.Hash, Kept: true));
                return new UploadState(upload, reached);
            }
        }
        // Another request committed first: these blocks count only if it took them as the ones carrying on from its own.
        if (!hashed && !(await blobs.SettledAsync(upload, cancellationToken)).Blocks.TakeLast(streamer.Blocks.Count).SequenceEqual(streamer.Blocks))
        {
            return TusProtocol.OffsetMismatch("Một yêu cầu khác vừa ghi vào phiên tải lên này; hãy hỏi lại bằng HEAD rồi gửi tiếp.");
        }
        return reached < upload.Length ? new UploadState(upload, reached) : await FinishAsync(upload, hashed ? streamer : null);
    }

    /// <summary>Whether the commit made its blocks the blob, rather than losing to another request's.</summary>
    private static async Task<bool> WonAsync(Task<ETag> commit)
    {
        try
        {
            await commit;
            return true;
        }
        catch (RequestFailedException error) when (UploadBlobs.LostRace(error))
        {
            return false;
        }
    }

    /// <summary>Records the whole file's SHA-256: the streamer's when it describes the blob, else read back from it.</summary>
    private async Task<Outcome<UploadState>> FinishAsync(Upload upload, BlockStreamer? hashed)
    {
        var sha256 = hashed is not null ? Convert.ToHexStringLower(hashed.Hash.GetHashAndReset()) : await blobs.Sha256Async(upload, CancellationToken.None);
        upload = upload with { Sha256 = sha256 };
        if (await records.RecordSha256Async(upload)) return new UploadState(upload, upload.Length);
        // Ended (DELETE) while this PATCH ran: the bytes it just committed belong to nothing.
        await blobs.DeleteAsync(upload, CancellationToken.None);
        return Problems.Create(StatusCodes.Status410Gone, "upload-ended", "Phiên tải lên đã kết thúc", "Phiên tải lên này vừa bị huỷ; hãy tải tệp lên lại từ đầu.");
    }

    private void Keep(Chunk chunk, Progress kept) => chunk.Kept = progress.Keep(chunk.Upload.Id, kept);
}
