using System.Text.Json;
using Baocao.Hosting;
using Baocao.Workflow;

namespace Baocao.Submissions;

/// <summary>An attachment as callers see it: what it is, its SHA-256, and where to download it.</summary>
public sealed record AttachmentLink(int Number, string FileName, string ContentType, long Size, string Sha256, string Href);

/// <summary>
/// What a unit gets back for an accepted submission: the version it made, when it was received (Hà Nội time), whether
/// after the deadline, and the receipt hash to quote if anyone asks what was sent.
/// </summary>
public sealed record SubmissionReceipt(
    string PeriodId,
    string UnitId,
    int Version,
    DateTimeOffset ReceivedAt,
    bool Late,
    string Receipt,
    IReadOnlyList<AttachmentLink> Attachments)
{
    public static SubmissionReceipt From(string periodId, string unitCode, ReportVersion version, PeopleTime time) =>
        new(periodId, unitCode, version.Number, time.ToLocal(version.ReceivedAt), version.Late, version.Receipt,
            Links(periodId, unitCode, version.Number, VersionContent.Read(version).Attachments));

    public static IReadOnlyList<AttachmentLink> Links(string periodId, string unitCode, int version, IReadOnlyList<StoredAttachment> attachments) =>
        attachments.Select((a, i) => new AttachmentLink(i + 1, a.FileName, a.ContentType, a.Size, a.Sha256,
            $"{ReportLinks.Report(periodId, unitCode)}/versions/{version}/attachments/{i + 1}")).ToList();
}

/// <summary>One version as the report page shows it: figures, narrative by section, the note and the files.</summary>
public sealed record VersionView(
    int Version,
    DateTimeOffset ReceivedAt,
    bool Late,
    string Receipt,
    IReadOnlyDictionary<string, JsonElement> Values,
    IReadOnlyDictionary<string, string> Narratives,
    string? Note,
    IReadOnlyList<AttachmentLink> Attachments);

/// <summary>One event of the report's history, in Hà Nội time.</summary>
public sealed record HistoryEntry(
    int Sequence,
    ReportTrigger Event,
    string Actor,
    WorkflowChannel Channel,
    DateTimeOffset At,
    int Version,
    ReportState From,
    ReportState To,
    string? Comment,
    string? ReasonCode);

/// <summary>A report of one unit for one period: where it stands, every version, the history and the reviewers' comments.</summary>
public sealed record ReportView(
    string PeriodId,
    string PeriodName,
    string UnitId,
    DateTimeOffset Deadline,
    ReportState State,
    string StateName,
    bool Late,
    bool Overdue,
    IReadOnlyList<VersionView> Versions,
    IReadOnlyList<HistoryEntry> History,
    IReadOnlyList<HistoryEntry> Comments);

public static class ReportLinks
{
    public static string Report(string periodId, string unitCode) => $"/api/periods/{Uri.EscapeDataString(periodId)}/reports/{Uri.EscapeDataString(unitCode)}";
}
