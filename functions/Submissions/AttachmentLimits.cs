namespace Baocao.Submissions;

/// <summary>Limits for attachments, bound from <c>Submissions__*</c>.</summary>
public sealed class AttachmentLimits
{
    public const string Section = "Submissions";

    public long MaxFileBytes { get; set; } = 500L * 1024 * 1024;

    public long MaxSubmissionBytes { get; set; } = 1024L * 1024 * 1024;
}
