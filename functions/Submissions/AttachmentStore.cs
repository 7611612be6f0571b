using System.Buffers;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Baocao.Storage;

namespace Baocao.Submissions;

/// <summary>An attachment safely in Blob Storage: where, what it was called, what it is, and its SHA-256.</summary>
public sealed record StoredAttachment(string BlobName, string FileName, string ContentType, long Size, string Sha256);

/// <summary>An attachment whose bytes are staged as uncommitted blocks: checked, hashed, not yet visible.</summary>
public sealed record StagedAttachment(StoredAttachment Attachment, IReadOnlyList<string> BlockIds);

/// <summary>Why an attachment was refused, as an HTTP status and a Vietnamese sentence.</summary>
public sealed record AttachmentRefusal(int Status, string Code, string Detail);

/// <summary>
/// Streams an attachment from a request straight into a block blob: read in 4 MiB pieces from a pooled buffer,
/// hashed on the way, checked against its declared type by its first bytes, and staged as uncommitted blocks.
/// A file becomes visible only when committed, which a submission does after every part of it has been read and
/// checked; a refused or broken upload leaves nothing visible (uncommitted blocks are discarded by the service).
/// </summary>
public sealed class AttachmentStore(BlobServiceClient blobs)
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.AttachmentsContainer);

    public async Task<(StagedAttachment? Staged, AttachmentRefusal? Refusal)> StageAsync(
        Stream content, string? fileName, string blobPrefix, long maxBytes, CancellationToken cancellationToken)
    {
        var (name, type, unacceptable) = Classify(fileName);
        if (name is null || type is null) return (null, unacceptable);
        var blobName = $"{blobPrefix}/{Guid.NewGuid():n}{type.Extensions[0]}";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var appender = new BlockAppender(_container.GetBlockBlobClient(blobName), hash);
        // Ids of one blob's blocks must share a length: the block's index as a long, in base64.
        var refusal = await appender.AppendAsync(content, (piece, before) => Check(type, name, piece.Span, before, maxBytes),
            index => Convert.ToBase64String(BitConverter.GetBytes((long)index)), cancellationToken);
        if (refusal is not null) return (null, refusal);
        if (appender.Bytes == 0) return (null, new AttachmentRefusal(StatusCodes.Status400BadRequest, "empty-file", $"Tệp '{name}' rỗng."));
        var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        return (new StagedAttachment(new StoredAttachment(blobName, name, type.ContentType, appender.Bytes, sha256), appender.Blocks), null);
    }

    /// <summary>The file's name as people will read it and its type by extension, or why it cannot be taken.</summary>
    public static (string? Name, AttachmentType? Type, AttachmentRefusal? Refusal) Classify(string? fileName)
    {
        var (name, nameProblem) = AttachmentRules.CleanFileName(fileName);
        if (name is null) return (null, null, new AttachmentRefusal(StatusCodes.Status400BadRequest, "invalid-file-name", nameProblem!));
        return AttachmentRules.ByExtension(name) is { } type
            ? (name, type, null)
            : (name, null, new AttachmentRefusal(StatusCodes.Status415UnsupportedMediaType, "unsupported-file-type",
                $"Tệp '{name}' không thuộc loại được nhận (pdf, doc, docx, xls, xlsx, odt, ods, jpg, png)."));
    }

    /// <summary>The checks every piece of a file passes: it starts as its type says, and it stays within its size.</summary>
    public static AttachmentRefusal? Check(AttachmentType type, string name, ReadOnlySpan<byte> piece, long bytesBefore, long maxBytes)
    {
        if (bytesBefore == 0 && !AttachmentRules.StartsLike(type, piece))
        {
            return new AttachmentRefusal(StatusCodes.Status415UnsupportedMediaType, "content-mismatch",
                $"Nội dung tệp '{name}' không phải {type.Name} như đuôi tệp cho biết.");
        }
        return bytesBefore + piece.Length > maxBytes
            ? new AttachmentRefusal(StatusCodes.Status413PayloadTooLarge, "file-too-large", $"Tệp '{name}' vượt quá {maxBytes / (1024 * 1024)} MiB.")
            : null;
    }

    public async Task<StoredAttachment> CommitAsync(StagedAttachment staged, CancellationToken cancellationToken)
    {
        var attachment = staged.Attachment;
        await _container.GetBlockBlobClient(attachment.BlobName).CommitBlockListAsync(staged.BlockIds, new CommitBlockListOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = attachment.ContentType },
            Metadata = new Dictionary<string, string> { ["sha256"] = attachment.Sha256, ["filename"] = Uri.EscapeDataString(attachment.FileName) },
        }, cancellationToken);
        return attachment;
    }
}

/// <summary>
/// Appends a stream of unknown length (a file part of a multipart body) to a block blob as staged blocks of up to
/// 4 MiB, each read into a pooled buffer, checked, and staged while the next one is read (a few in flight keep both the
/// request and storage busy). Pieces are hashed and counted in order once staged, so <see cref="Blocks"/>,
/// <see cref="Bytes"/> and the hash always describe exactly a prefix of the stream that is staged, even when the stream
/// breaks off half way. A body of known length (a tus chunk) goes through <see cref="BlockStreamer"/> instead.
/// </summary>
public sealed class BlockAppender(BlockBlobClient blob, IncrementalHash hash)
{
    public const int BlockSize = 4 * 1024 * 1024;

    /// <summary>Blocks uploading at once: memory stays at this many buffers whatever the file's size.</summary>
    public const int InFlight = 3;

    private sealed record Piece(byte[] Buffer, int Filled, string Id, Task Staged);

    public List<string> Blocks { get; } = [];

    public long Bytes { get; private set; }

    /// <summary>
    /// Stages the stream; stops at the first piece <paramref name="check"/> refuses (given the piece and the bytes
    /// read before it). <paramref name="blockId"/> names the block with the given index within this append.
    /// </summary>
    public async Task<AttachmentRefusal?> AppendAsync(
        Stream content, Func<ReadOnlyMemory<byte>, long, AttachmentRefusal?> check, Func<int, string> blockId, CancellationToken cancellationToken)
    {
        var inFlight = new Queue<Piece>();
        long read = 0;
        try
        {
            for (var index = 0; ; index++)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
                int filled;
                try
                {
                    filled = await FillAsync(content, buffer, cancellationToken);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
                if (filled == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    while (inFlight.Count > 0) await CompleteOldestAsync(inFlight);
                    return null;
                }
                if (check(buffer.AsMemory(0, filled), read) is { } refusal)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return refusal;
                }
                var id = blockId(index);
                inFlight.Enqueue(new Piece(buffer, filled, id, blob.StageBlockAsync(id, new MemoryStream(buffer, 0, filled, writable: false), cancellationToken: cancellationToken)));
                read += filled;
                if (inFlight.Count >= InFlight) await CompleteOldestAsync(inFlight);
            }
        }
        finally
        {
            // A refusal or a broken stream stops the reading: what is still uploading is waited for (no buffer goes back
            // to the pool while the SDK reads it), and the pieces that did stage still count, in order.
            var counting = true;
            while (inFlight.Count > 0)
            {
                var piece = inFlight.Dequeue();
                try
                {
                    await piece.Staged;
                    if (counting) Count(piece);
                }
                catch (Exception error) when (error is Azure.RequestFailedException or IOException or OperationCanceledException)
                {
                    counting = false;
                }
                ArrayPool<byte>.Shared.Return(piece.Buffer);
            }
        }
    }

    private async Task CompleteOldestAsync(Queue<Piece> inFlight)
    {
        await inFlight.Peek().Staged;
        var piece = inFlight.Dequeue();
        Count(piece);
        ArrayPool<byte>.Shared.Return(piece.Buffer);
    }

    private void Count(Piece piece)
    {
        hash.AppendData(piece.Buffer, 0, piece.Filled);
        Blocks.Add(piece.Id);
        Bytes += piece.Filled;
    }

    /// <summary>Reads until the block is full or the stream ends, so every staged block but the last is whole.</summary>
    private async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < BlockSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(filled, BlockSize - filled), cancellationToken);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }
}
