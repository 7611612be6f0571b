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

/// <summary>Limits for attachments, bound from <c>Submissions__*</c>.</summary>
public sealed class AttachmentLimits
{
    public const string Section = "Submissions";

    public long MaxFileBytes { get; set; } = 500L * 1024 * 1024;

    public long MaxSubmissionBytes { get; set; } = 1024L * 1024 * 1024;
}

/// <summary>
/// Streams an attachment from a request straight into a block blob: read in 4 MiB pieces from a pooled buffer,
/// hashed on the way, checked against its declared type by its first bytes, and staged as uncommitted blocks.
/// A file becomes visible only when committed, which a submission does after every part of it has been read and
/// checked; a refused or broken upload leaves nothing visible (uncommitted blocks are discarded by the service).
/// </summary>
public sealed class AttachmentStore(BlobServiceClient blobs)
{
    private const int BlockSize = 4 * 1024 * 1024;

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.AttachmentsContainer);

    public async Task<(StagedAttachment? Staged, AttachmentRefusal? Refusal)> StageAsync(
        Stream content, string? fileName, string blobPrefix, long maxBytes, CancellationToken cancellationToken)
    {
        var (name, nameProblem) = AttachmentRules.CleanFileName(fileName);
        if (name is null) return (null, new AttachmentRefusal(StatusCodes.Status400BadRequest, "invalid-file-name", nameProblem!));
        var type = AttachmentRules.ByExtension(name);
        if (type is null)
        {
            return (null, new AttachmentRefusal(StatusCodes.Status415UnsupportedMediaType, "unsupported-file-type",
                $"Tệp '{name}' không thuộc loại được nhận (pdf, doc, docx, xls, xlsx, odt, ods, jpg, png)."));
        }
        var blobName = $"{blobPrefix}/{Guid.NewGuid():n}{type.Extensions[0]}";
        var blob = _container.GetBlockBlobClient(blobName);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        var blocks = new List<string>();
        long size = 0;
        try
        {
            while (true)
            {
                var filled = await FillAsync(content, buffer, cancellationToken);
                if (filled == 0) break;
                if (size == 0 && !AttachmentRules.StartsLike(type, buffer.AsSpan(0, filled)))
                {
                    return (null, new AttachmentRefusal(StatusCodes.Status415UnsupportedMediaType, "content-mismatch",
                        $"Nội dung tệp '{name}' không phải {type.Name} như đuôi tệp cho biết."));
                }
                size += filled;
                if (size > maxBytes)
                {
                    return (null, new AttachmentRefusal(StatusCodes.Status413PayloadTooLarge, "file-too-large",
                        $"Tệp '{name}' vượt quá {maxBytes / (1024 * 1024)} MiB."));
                }
                hash.AppendData(buffer, 0, filled);
                var blockId = Convert.ToBase64String(BitConverter.GetBytes((long)blocks.Count)); // ids of one blob must share a length
                using var piece = new MemoryStream(buffer, 0, filled, writable: false);
                await blob.StageBlockAsync(blockId, piece, cancellationToken: cancellationToken);
                blocks.Add(blockId);
            }
            if (size == 0) return (null, new AttachmentRefusal(StatusCodes.Status400BadRequest, "empty-file", $"Tệp '{name}' rỗng."));
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return (new StagedAttachment(new StoredAttachment(blobName, name, type.ContentType, size, sha256), blocks), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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

    /// <summary>Reads until the buffer is full or the stream ends, so every staged block but the last is whole.</summary>
    private static async Task<int> FillAsync(Stream content, byte[] buffer, CancellationToken cancellationToken)
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
