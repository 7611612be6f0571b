namespace Baocao.Submissions;

/// <summary>Settings of resumable uploads, bound from <c>Submissions__*</c>.</summary>
public sealed class UploadOptions
{
    /// <summary>How long an upload may stay unfinished (or finished but not attached) before its bytes are deleted.</summary>
    public TimeSpan UploadLifetime { get; set; } = TimeSpan.FromHours(24);
}
