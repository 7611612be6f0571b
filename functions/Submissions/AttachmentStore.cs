using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Baocao.Storage;

namespace Baocao.Submissions;

/// <summary>An attachment safely in Blob Storage, as a version keeps it: where, what it was called, what it is, and its SHA-256.</summary>
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
