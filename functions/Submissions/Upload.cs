using Azure;

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

/// <summary>Which upload a request names: its period, the calling unit, and its id.</summary>
public sealed record UploadRef(string PeriodId, string UnitCode, string Id);

/// <summary>An upload and the bytes it holds so far.</summary>
public sealed record UploadState(Upload Upload, long Offset);
